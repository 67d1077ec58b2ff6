import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * How far the outbox relay has copied the outbox into Redis: the key `(xid, stream, seq)` of the
 * last row it published, in the order it reads (`xid`, then `stream`, then `seq`). One row per
 * relay target (`redis`, or `local` for the embedded in-process delivery).
 */
export const RelayCursor = defineEntity({
  name: 'RelayCursor',
  tableName: 'relay_cursors',
  properties: {
    name: p.text().primary(),
    xid: p.string().columnType('xid8').defaultRaw(`'0'::xid8`),
    stream: p.text().default(''),
    seq: p.bigint('number').default(0),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export type IRelayCursor = InferEntity<typeof RelayCursor>;
