// Replays a stream's committed events from the outbox (events.sync).
import type { WireEvent } from '../../shared/protocol.ts';
import type { Sql } from './sql.ts';

export const SYNC_PAGE = 500;

export async function readStream(sql: Sql, stream: string, afterSeq: number, limit = SYNC_PAGE): Promise<{ events: WireEvent[]; oldestSeq: number | null }> {
  const rows = await sql.query<{ seq: string; type: string; payload: unknown; created_at: Date }>(
    `SELECT seq, type, payload, created_at FROM outbox WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [stream, afterSeq, limit],
  );
  const [oldest] = await sql.query<{ seq: string | null }>(`SELECT min(seq) AS seq FROM outbox WHERE stream = $1`, [stream]);
  return {
    events: rows.map((r) => ({ stream, seq: Number(r.seq), type: r.type, at: new Date(r.created_at).toISOString(), data: r.payload })),
    oldestSeq: oldest.seq === null ? null : Number(oldest.seq),
  };
}
