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
    // As the events: one statement for a group's replies (insertReplies below).
    replies: `INSERT INTO ${c.table} (${c.cols(['actor', 'commandId', 'payloadHash', 'reply'])})
     SELECT actor, command_id, payload_hash, reply FROM jsonb_to_recordset($1::jsonb) AS r(actor text, command_id text, payload_hash text, reply jsonb)`,
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

export type StoredCommandReply = { actor: string; commandId: string; payloadHash: string; reply: unknown };

/** The replies of the commands a transaction commits, stored with it. */
export async function insertReplies(sql: Sql, trx: Queryable, replies: readonly StoredCommandReply[]): Promise<void> {
  if (replies.length === 0) return;
  await sql.query(statements(sql.metadata).replies, [JSON.stringify(replies.map((r) => ({ actor: r.actor, command_id: r.commandId, payload_hash: r.payloadHash, reply: r.reply })))], trx);
}
