// Replays a stream's committed events from the outbox (events.sync).
import type { WireEvent } from '../../shared/protocol.ts';
import type { StreamReader } from '../relay/eventBus.ts';
import type { Sql } from './sql.ts';

export const SYNC_PAGE = 500;
/**
 * Bytes of event payloads in one events.sync reply (issue 16): a page stops before passing it (one
 * event at least), and the client syncs again from the last seq it got, as with a full page.
 */
export const SYNC_REPLY_MAX_BYTES = 64 * 1024;

export type OutboxRow = { stream: string; seq: string | number; type: string; payload: unknown; created_at: Date };

export function toWireEvent(row: OutboxRow): WireEvent {
  return { stream: row.stream, seq: Number(row.seq), type: row.type, at: new Date(row.created_at).toISOString(), data: row.payload };
}

export async function readStream(sql: Sql, stream: string, afterSeq: number, limit = SYNC_PAGE, maxBytes = SYNC_REPLY_MAX_BYTES): Promise<{ events: WireEvent[]; oldestSeq: number | null }> {
  const page = await sql.query<OutboxRow & { bytes_through: string }>(
    `SELECT stream, seq, type, payload, created_at, sum(octet_length(payload::text)) OVER (ORDER BY seq) AS bytes_through
       FROM (SELECT stream, seq, type, payload, created_at FROM outbox WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3) page ORDER BY seq`,
    [stream, afterSeq, limit],
  );
  const over = page.findIndex((row, i) => i > 0 && Number(row.bytes_through) > maxBytes);
  const rows = over === -1 ? page : page.slice(0, over);
  const [oldest] = await sql.query<{ seq: string | null }>(`SELECT min(seq) AS seq FROM outbox WHERE stream = $1`, [stream]);
  return {
    events: rows.map(toWireEvent),
    oldestSeq: oldest.seq === null ? null : Number(oldest.seq),
  };
}

/** The outbox as the event bus reads it: a stream's head, and the rows of a gap. */
export function outboxStreamReader(sql: Sql): StreamReader {
  return {
    async lastSeq(stream) {
      const [row] = await sql.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM outbox WHERE stream = $1', [stream]);
      return row.seq === null ? 0 : Number(row.seq);
    },
    async between(stream, afterSeq, beforeSeq) {
      const rows = await sql.query<OutboxRow>('SELECT stream, seq, type, payload, created_at FROM outbox WHERE stream = $1 AND seq > $2 AND seq < $3 ORDER BY seq', [stream, afterSeq, beforeSeq]);
      return rows.map(toWireEvent);
    },
  };
}
