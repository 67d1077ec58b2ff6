import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * Events written in the same transaction as the state change they describe, relayed afterwards.
 * Ids commit out of order, so consumers dedupe by (stream, seq), never by "id above the last seen".
 */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    stream: p.text(),
    seq: p.bigint('number'),
    type: p.text(),
    payload: p.json<unknown>(),
    createdAt: p.datetime().defaultRaw('now()'),
    // The writing transaction's id. The relay only reads rows whose xid is below
    // pg_snapshot_xmin(pg_current_snapshot()), so a row from a transaction still in flight (with a
    // smaller id than rows already visible) can never be skipped.
    xid: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()'),
  },
  uniques: [{ name: 'outbox_stream_seq_unique', properties: ['stream', 'seq'] }],
});

export type IOutboxEvent = InferEntity<typeof OutboxEvent>;
