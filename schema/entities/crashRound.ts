import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * One round of a crash table, written only by the table's room. The hash chain's seed is in
 * `crash_tables`; `bets` holds each bet and its cash-out, `settled_at` is set exactly once by the
 * commit that settles the round.
 */
export const CrashRound = defineEntity({
  name: 'CrashRound',
  tableName: 'crash_rounds',
  properties: {
    tableId: p.text().primary(),
    roundId: p.integer().primary(),
    commitment: p.text(),
    bets: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    startedAt: p.datetime().defaultRaw('now()'),
    settledAt: p.datetime().nullable(),
  },
  primaryKeys: ['tableId', 'roundId'],
});

/** A crash table's secret hash chain (shared/crash.ts): the seed and the chain length. */
export const CrashTable = defineEntity({
  name: 'CrashTable',
  tableName: 'crash_tables',
  properties: {
    id: p.text().primary(),
    chainSeed: p.text(),
    chainLength: p.integer(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export type ICrashRound = InferEntity<typeof CrashRound>;
export type ICrashTable = InferEntity<typeof CrashTable>;
