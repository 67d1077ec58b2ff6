import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** Whose money an account holds: a player's wallet, or one of the house accounts (see SYSTEM_ACCOUNTS). */
export const ACCOUNT_KINDS = ['player', 'system'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * A wallet. The balance is only ever moved by set-based SQL in the commit pipeline; the entity exists
 * so that the schema (and its migrations) has one source of truth.
 */
export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    id: p.text().primary(),
    // p.enum on PostgreSQL becomes `text` plus the CHECK `accounts_kind_check` (kind in ('player','system')).
    kind: p.enum(ACCOUNT_KINDS),
    // 'number' mode: balances stay far below 2^53, and a JS bigint would make JSON.stringify throw.
    balance: p.bigint('number').default(0),
    // Fencing token: bumped by whoever takes over writing this account, so a stale writer's update
    // (`where epoch = $seen`) touches no row instead of overwriting newer state.
    epoch: p.bigint('number').default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  checks: [
    {
      // System accounts (mint, house, ...) may go negative: the mint is where money comes from.
      // A player may never spend money they do not have, whatever bug the application has.
      name: 'accounts_player_balance_nonnegative',
      expression: `kind <> 'player' or balance >= 0`,
    },
  ],
});

export type IAccount = InferEntity<typeof Account>;
