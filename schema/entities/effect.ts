import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * A cross-room effect owed to a player (a task bounty, a crash cash-out): written by the source
 * room in the same commit as its outbox event, keyed by that event (`<stream>:<seq>`), and applied
 * by the player's own room, which credits the money and sets `applied_at` in one commit. Unapplied
 * rows are swept until their owner has applied them, so a crash between the two commits loses
 * nothing and a second delivery changes nothing.
 */
export const Effect = defineEntity({
  name: 'Effect',
  tableName: 'effects',
  properties: {
    key: p.text().primary(),
    userId: p.text(),
    // The system account the money comes from (bounty, house, escrow, mint).
    fromAccount: p.text(),
    // What is owed, in `currency`. The column is still called `gold` (its name from before there
    // were other currencies); rows from before currencies existed are in 'gold'.
    currency: p.text(),
    amount: p.bigint('number').fieldName('gold'),
    xp: p.bigint('number').default(0),
    reason: p.text(),
    ref: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    appliedAt: p.datetime().nullable(),
  },
  indexes: [
    // The sweeper and each player room look only for what is still owed.
    { name: 'effects_pending_index', expression: 'create index "effects_pending_index" on "effects" ("user_id") where "applied_at" is null' },
  ],
  checks: [{ name: 'effects_gold_nonnegative', expression: 'gold >= 0 and xp >= 0' }],
});

export type IEffect = InferEntity<typeof Effect>;
