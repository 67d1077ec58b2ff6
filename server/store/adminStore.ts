// What the admin room reads and writes outside the player rooms: the ledger audit and supply figures
// per currency, a user's record and the admin audit trail.
import type { AuditResult, CurrencyAudit, TransferView, UserView } from '../../shared/adminCommands.ts';
import { GOLD, type CurrencyId } from '../../shared/economy.ts';
import { jsonWithInt64 } from '../writers/int64Guard.ts';
import { Account } from '../../schema/entities/account.ts';
import { Balance } from '../../schema/entities/balance.ts';
import { AdminAudit } from '../../schema/entities/adminAudit.ts';
import { Player } from '../../schema/entities/player.ts';
import { Transfer } from '../../schema/entities/transfer.ts';
import { namesOf } from './entityNames.ts';
import type { Orm } from './orm.ts';
import type { Queryable, Sql } from './sql.ts';

export type Supply = { minted: number; burned: number; circulating: number };

/** The figures of a currency nothing has moved yet. */
const NO_SUPPLY: Supply = { minted: 0, burned: 0, circulating: 0 };

/** Per currency: money made by the mint, money returned to it, and what players hold. Every
 *  currency that has a balance row or a transfer is listed. */
export async function supply(sql: Sql, orm: Orm, trx?: Queryable): Promise<Record<CurrencyId, Supply>> {
  const t = namesOf(orm.metadata, Transfer);
  const b = namesOf(orm.metadata, Balance);
  const rows = await sql.query<{ currency: string; minted: string | null; burned: string | null; circulating: string | null }>(
    `SELECT currency, sum(minted) AS minted, sum(burned) AS burned, sum(circulating) AS circulating FROM (
        SELECT ${t.col('currency')} AS currency, ${t.col('amount')} AS minted, 0 AS burned, 0 AS circulating FROM ${t.table} WHERE ${t.col('fromAccount')} = 'mint'
        UNION ALL SELECT ${t.col('currency')}, 0, ${t.col('amount')}, 0 FROM ${t.table} WHERE ${t.col('toAccount')} = 'mint'
        UNION ALL SELECT ${b.col('currency')}, 0, 0, ${b.col('balance')} FROM ${b.table} WHERE ${b.col('kind')} = 'player') AS figures
      GROUP BY currency ORDER BY currency`,
    [],
    trx,
  );
  return Object.fromEntries(rows.map((r) => [r.currency, { minted: Number(r.minted ?? 0), burned: Number(r.burned ?? 0), circulating: Number(r.circulating ?? 0) }]));
}

/**
 * The ledger invariants (INV-5, docs/ARCHITECTURE.md), checked per currency in one read-only
 * snapshot: the balances of every account sum to 0, no player is below zero, every balance equals
 * the sum of its transfers, and every balance row is filed under its account's kind. Set-based
 * aggregates over the whole ledger, hand-written SQL named by the entities (entityNames.ts). The
 * top-level sum and supply figures are gold's (protocol-1 clients read them); `currencies` has
 * every currency's.
 */
export async function auditLedger(sql: Sql, orm: Orm): Promise<AuditResult> {
  const a = namesOf(orm.metadata, Account);
  const b = namesOf(orm.metadata, Balance);
  const t = namesOf(orm.metadata, Transfer);
  return sql.transaction(async (trx) => {
    await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY', [], trx);
    const [{ accounts }] = await sql.query<{ accounts: string }>(`SELECT count(*) AS accounts FROM ${a.table}`, [], trx);
    const sums = await sql.query<{ currency: string; sum: string }>(`SELECT ${b.col('currency')} AS currency, sum(${b.col('balance')}) AS sum FROM ${b.table} GROUP BY 1`, [], trx);
    // A FULL JOIN: a balance without transfers and transfers without a balance row both show.
    const mismatches = await sql.query<{ account: string; currency: string; balance: string; net: string }>(
      `SELECT coalesce(b.${b.col('account')}, t.account) AS account, coalesce(b.${b.col('currency')}, t.currency) AS currency,
              coalesce(b.${b.col('balance')}, 0) AS balance, coalesce(t.net, 0) AS net
         FROM ${b.table} b
         FULL JOIN (SELECT account, currency, sum(delta) AS net FROM (
                      SELECT ${t.col('toAccount')} AS account, ${t.col('currency')} AS currency, ${t.col('amount')} AS delta FROM ${t.table}
                      UNION ALL SELECT ${t.col('fromAccount')}, ${t.col('currency')}, -${t.col('amount')} FROM ${t.table}) legs
                     GROUP BY account, currency) t
           ON t.account = b.${b.col('account')} AND t.currency = b.${b.col('currency')}
        WHERE coalesce(b.${b.col('balance')}, 0) <> coalesce(t.net, 0)
        ORDER BY 1, 2 LIMIT 100`,
      [],
      trx,
    );
    const negative = await sql.query<{ id: string }>(
      `SELECT DISTINCT ${b.col('account')} AS id FROM ${b.table} WHERE ${b.col('kind')} = 'player' AND ${b.col('balance')} < 0 ORDER BY 1 LIMIT 100`,
      [],
      trx,
    );
    const misfiled = await sql.query<{ account: string; currency: string }>(
      `SELECT b.${b.col('account')} AS account, b.${b.col('currency')} AS currency FROM ${b.table} b
         LEFT JOIN ${a.table} a ON a.${a.col('id')} = b.${b.col('account')}
        WHERE a.${a.col('kind')} IS DISTINCT FROM b.${b.col('kind')} ORDER BY 1, 2 LIMIT 100`,
      [],
      trx,
    );
    const supplies = await supply(sql, orm, trx);
    const currencies: Record<CurrencyId, CurrencyAudit> = {};
    for (const currency of new Set([...Object.keys(supplies), ...sums.map((r) => r.currency)])) {
      currencies[currency] = { sumOfBalances: Number(sums.find((r) => r.currency === currency)?.sum ?? 0), ...(supplies[currency] ?? NO_SUPPLY) };
    }
    const gold = currencies[GOLD] ?? { sumOfBalances: 0, ...NO_SUPPLY };
    return {
      ok: Object.values(currencies).every((c) => c.sumOfBalances === 0) && mismatches.length === 0 && negative.length === 0 && misfiled.length === 0,
      accounts: Number(accounts),
      ...gold,
      currencies,
      negativePlayers: negative.map((r) => r.id),
      mismatches: mismatches.map((m) => ({ account: m.account, currency: m.currency, balance: Number(m.balance), fromTransfers: Number(m.net) })),
      misfiled: misfiled.map((m) => ({ account: m.account, currency: m.currency })),
    };
  });
}

const LEDGER_FIELDS = ['id', 'fromAccount', 'toAccount', 'amount', 'currency', 'reason', 'ref', 'economyVersion', 'createdAt'] as const;
const LEDGER_LINES = 50;

export async function userView(orm: Orm, userId: string): Promise<UserView | undefined> {
  const em = orm.em();
  const player = await em.findOne(Player, { userId }, { fields: ['displayName', 'xp', 'level', 'stats', 'inventory'] });
  if (!player) return undefined;
  const balances = await em.find(Balance, { account: userId }, { fields: ['currency', 'balance'], orderBy: { currency: 'asc' } });
  const wallet = Object.fromEntries(balances.map((b) => [b.currency, b.balance]));
  // The newest lines from either side, each read down its own index (transfers_from/to_account_index),
  // then merged: one `$or` would read and sort every line of a long-lived account.
  const latest = (side: 'fromAccount' | 'toAccount') => em.find(Transfer, { [side]: userId }, { fields: LEDGER_FIELDS, orderBy: { id: 'desc' }, limit: LEDGER_LINES });
  const from = await latest('fromAccount');
  const to = await latest('toAccount');
  const ledger = [...from, ...to].sort((a, b) => b.id - a.id).slice(0, LEDGER_LINES);
  return {
    userId,
    displayName: player.displayName,
    balance: wallet[GOLD] ?? 0,
    wallet,
    xp: player.xp,
    level: player.level,
    stats: player.stats,
    inventory: player.inventory,
    ledger: ledger.map((t): TransferView => ({
      id: t.id,
      from: t.fromAccount,
      to: t.toAccount,
      amount: t.amount,
      currency: t.currency,
      reason: t.reason,
      ref: t.ref ?? null,
      economyVersion: t.economyVersion ?? null,
      at: t.createdAt.toISOString(),
    })),
  };
}

export async function playerExists(orm: Orm, userId: string): Promise<boolean> {
  return (await orm.em().count(Player, { userId })) > 0;
}

/** One line of the audit trail, through the EntityManager (one INSERT). A BigInt in the payload
 *  (refused input is recorded too) is kept as its decimal string. */
export async function recordAdminAction(orm: Orm, admin: string, action: string, commandId: string, payload: unknown, result: unknown): Promise<void> {
  const json = (value: unknown): unknown => JSON.parse(jsonWithInt64(value));
  await orm.em().insert(AdminAudit, { admin, action, commandId, payload: json(payload), result: json(result) });
}
