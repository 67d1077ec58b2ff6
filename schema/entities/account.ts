import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** Whose money an account holds: a player's wallet, or one of the house accounts (see SYSTEM_ACCOUNTS). */
export const ACCOUNT_KINDS = ['player', 'system'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/**
 * A wallet: who it is and its writer's fence. What it holds is in `balances`, one row per currency
 * (schema/entities/balance.ts). The entity exists so that the schema (and its migrations) has one
 * source of truth; the commit pipeline locks the row as the fence of every commit.
 */
export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    id: p.text().primary(),
    // p.enum on PostgreSQL becomes `text` plus the CHECK `accounts_kind_check` (kind in ('player','system')).
    kind: p.enum(ACCOUNT_KINDS),
    // Fencing token: bumped by whoever takes over writing this account, so a stale writer's update
    // (`where epoch = $seen`) touches no row instead of overwriting newer state.
    epoch: p.bigint('number').default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export type IAccount = InferEntity<typeof Account>;
