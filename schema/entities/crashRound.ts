import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * One round of a crash table, written only by the table's room. The hash chain's seed is in
 * `crash_tables` (later chains in `crash_chains`); `bets` holds each bet and its cash-out,
 * `running_at` is set by the commit that starts the running phase (a round without it never ran
 * and is the only kind that may be voided), `settled_at` exactly once by the commit that settles
 * the round, with `handled_stakes`: the stake ids that settlement played or refunded (a stake
 * committed later is refunded by the sweep, server/core/crash/settlement.ts).
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
    runningAt: p.datetime().nullable(),
    settledAt: p.datetime().nullable(),
    handledStakes: p.json<string[]>().nullable(),
  },
  primaryKeys: ['tableId', 'roundId'],
  indexes: [
    // The late-stake sweep reads the rounds settled recently.
    { name: 'crash_rounds_settled_at_index', properties: ['settledAt'] },
  ],
});

/**
 * A crash table's hash chains after its first (which is in `crash_tables`): when a chain runs
 * out, the table commits a new one, whose first round is `first_round`.
 */
export const CrashChain = defineEntity({
  name: 'CrashChain',
  tableName: 'crash_chains',
  properties: {
    tableId: p.text().primary(),
    firstRound: p.integer().primary(),
    chainSeed: p.text(),
    chainLength: p.integer(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  primaryKeys: ['tableId', 'firstRound'],
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
export type ICrashChain = InferEntity<typeof CrashChain>;
