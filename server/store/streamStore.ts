// Writing a shared room's events and replies inside its fenced transaction.
import type { WireEvent } from '../../shared/protocol.ts';
import type { Queryable, Sql } from './sql.ts';

export async function headSeq(sql: Sql, stream: string, trx?: Queryable): Promise<number> {
  const [row] = await sql.query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM outbox WHERE stream = $1`, [stream], trx);
  return Number(row.seq ?? 0);
}

export async function insertEvents(sql: Sql, trx: Queryable, events: readonly WireEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    `INSERT INTO outbox (stream, seq, type, payload, created_at)
     SELECT stream, seq, type, payload, created_at FROM jsonb_to_recordset($1::jsonb) AS e(stream text, seq bigint, type text, payload jsonb, created_at timestamptz)`,
    [JSON.stringify(events.map((e) => ({ stream: e.stream, seq: e.seq, type: e.type, payload: e.data, created_at: e.at })))],
    trx,
  );
}

export async function insertReply(sql: Sql, trx: Queryable, actor: string, commandId: string, payloadHash: string, reply: unknown): Promise<void> {
  await sql.query(`INSERT INTO command_results (actor, command_id, payload_hash, reply) VALUES ($1, $2, $3, $4)`, [actor, commandId, payloadHash, JSON.stringify(reply)], trx);
}
