// Writing a shared room's events and replies inside its fenced transaction, and reading a stream's
// head (the newest seq). Named by the entities (entityNames.ts).
import type { WireEvent } from '../../shared/protocol.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { namesOf, perMapping } from './entityNames.ts';
import { preparedEach, type Queryable, type Sql } from './sql.ts';

const statements = perMapping((metadata) => {
  const o = namesOf(metadata, OutboxEvent);
  const c = namesOf(metadata, CommandResult);
  return preparedEach({
    head: `SELECT max(${o.col('seq')}) AS seq FROM ${o.table} WHERE ${o.col('stream')} = $1`,
    // The recordset's column names are this statement's own wire format (insertEvents below).
    events: `INSERT INTO ${o.table} (${o.cols(['stream', 'seq', 'type', 'payload', 'createdAt'])})
     SELECT stream, seq, type, payload, created_at FROM jsonb_to_recordset($1::jsonb) AS e(stream text, seq bigint, type text, payload jsonb, created_at timestamptz)`,
    reply: `INSERT INTO ${c.table} (${c.cols(['actor', 'commandId', 'payloadHash', 'reply'])}) VALUES ($1, $2, $3, $4)`,
  });
});

/** The stream's newest seq, 0 when it has none. */
export async function headSeq(sql: Sql, stream: string, trx?: Queryable): Promise<number> {
  const [row] = await sql.query<{ seq: string | null }>(statements(sql.metadata).head, [stream], trx);
  return Number(row.seq ?? 0);
}

export async function insertEvents(sql: Sql, trx: Queryable, events: readonly WireEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql.query(
    statements(sql.metadata).events,
    [JSON.stringify(events.map((e) => ({ stream: e.stream, seq: e.seq, type: e.type, payload: e.data, created_at: e.at })))],
    trx,
  );
}

export async function insertReply(sql: Sql, trx: Queryable, actor: string, commandId: string, payloadHash: string, reply: unknown): Promise<void> {
  await sql.query(statements(sql.metadata).reply, [actor, commandId, payloadHash, JSON.stringify(reply)], trx);
}
