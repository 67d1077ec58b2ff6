import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * One line of the append-only ledger: `amount` of `currency` moved from `from_account` to
 * `to_account`. The sum of an account's transfers in a currency must equal its balance there
 * (schema/entities/balance.ts).
 */
export const Transfer = defineEntity({
  name: 'Transfer',
  tableName: 'transfers',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    // Account ids, deliberately without foreign keys: the FK triggers cost about a quarter of a
    // commit batch (measured in BENCHMARKS.md), and the one writer of this table already guarantees
    // both ends exist: the writer's own row must match its fence in the same statement, and the
    // other end must be a seeded system account (server/store/batchStatements.ts checkMutation).
    fromAccount: p.text().fieldName('from_account'),
    toAccount: p.text().fieldName('to_account'),
    amount: p.bigint('number'),
    // A currency id of the economy (shared/economy.ts); rows from before currencies existed are 'gold'.
    currency: p.text(),
    reason: p.text(),
    // What the transfer was for (a round id, an item id, ...), free-form.
    ref: p.text().nullable(),
    // The player command that caused it, for tracing an ack back to the ledger.
    commandId: p.text().nullable(),
    // The economy version the transfer was decided under; null for rows from before the economy
    // was versioned.
    economyVersion: p.integer().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    // Statement and audit queries read one account's history from either side.
    { name: 'transfers_from_account_index', properties: ['fromAccount'] },
    { name: 'transfers_to_account_index', properties: ['toAccount'] },
    // Crash settlement reads one round's stakes in escrow; only escrow rows pay for this index.
    { name: 'transfers_escrow_ref_index', expression: `create index "transfers_escrow_ref_index" on "transfers" ("ref") where "to_account" = 'escrow'` },
  ],
  checks: [
    // A zero or negative transfer would let a reversed or no-op move slip into the ledger.
    { name: 'transfers_amount_positive', expression: 'amount > 0' },
  ],
});

export type ITransfer = InferEntity<typeof Transfer>;
