import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * Events written in the same transaction as the state change they describe, relayed afterwards.
 * (stream, seq) is the key: seq is gapless per stream, written only by the stream's fenced writer,
 * and consumers dedupe by it. There is no serial id: ids commit out of order, so "id above the
 * last seen" would skip rows, and the extra index costs every commit batch.
 */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox',
  // The relay reads in (xid, stream, seq) order from its cursor up to the snapshot's xmin.
  indexes: [{ name: 'outbox_relay_order_index', properties: ['xid', 'stream', 'seq'] }],
  properties: {
    stream: p.text().primary(),
    seq: p.bigint('number').primary(),
    type: p.text(),
    payload: p.json<unknown>(),
    createdAt: p.datetime().defaultRaw('now()'),
    // The writing transaction's id. The relay only reads rows whose xid is below
    // pg_snapshot_xmin(pg_current_snapshot()), so a row from a transaction still in flight (with a
    // smaller id than rows already visible) can never be skipped.
    xid: p.string().columnType('xid8').defaultRaw('pg_current_xact_id()'),
  },
});

export type IOutboxEvent = InferEntity<typeof OutboxEvent>;
