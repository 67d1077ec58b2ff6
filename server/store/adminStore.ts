// What the admin room reads and writes outside the player rooms: the ledger audit, supply figures,
// a user's record and the admin audit trail.
import type { AuditResult, TransferView, UserView } from '../../shared/adminCommands.ts';
import { jsonWithInt64 } from '../writers/int64Guard.ts';
import { Account } from '../../schema/entities/account.ts';
import { AdminAudit } from '../../schema/entities/adminAudit.ts';
import { Player } from '../../schema/entities/player.ts';
import { Transfer } from '../../schema/entities/transfer.ts';
import { namesOf } from './entityNames.ts';
import type { Orm } from './orm.ts';
import type { Queryable, Sql } from './sql.ts';

export type Supply = { minted: number; burned: number; circulating: number };

/** Money made by the mint, money returned to it, and what players hold. */
export async function supply(sql: Sql, orm: Orm, trx?: Queryable): Promise<Supply> {
  const t = namesOf(orm.metadata, Transfer);
  const a = namesOf(orm.metadata, Account);
  const [row] = await sql.query<{ minted: string | null; burned: string | null; circulating: string | null }>(
    `SELECT (SELECT sum(${t.col('amount')}) FROM ${t.table} WHERE ${t.col('fromAccount')} = 'mint') AS minted,
            (SELECT sum(${t.col('amount')}) FROM ${t.table} WHERE ${t.col('toAccount')} = 'mint') AS burned,
            (SELECT sum(${a.col('balance')}) FROM ${a.table} WHERE ${a.col('kind')} = 'player') AS circulating`,
    [],
    trx,
  );
  return { minted: Number(row.minted ?? 0), burned: Number(row.burned ?? 0), circulating: Number(row.circulating ?? 0) };
}

/**
 * The ledger invariants (INV-5, docs/ARCHITECTURE.md), checked in one read-only snapshot: set-based
 * aggregates over the whole ledger, hand-written SQL named by the entities (entityNames.ts).
 */
export async function auditLedger(sql: Sql, orm: Orm): Promise<AuditResult> {
  const a = namesOf(orm.metadata, Account);
  const t = namesOf(orm.metadata, Transfer);
  return sql.transaction(async (trx) => {
    await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY', [], trx);
    const [totals] = await sql.query<{ accounts: string; sum: string | null }>(`SELECT count(*) AS accounts, sum(${a.col('balance')}) AS sum FROM ${a.table}`, [], trx);
    const mismatches = await sql.query<{ id: string; balance: string; net: string }>(
      `SELECT a.${a.col('id')} AS id, a.${a.col('balance')} AS balance, coalesce(t.net, 0) AS net
         FROM ${a.table} a
         LEFT JOIN (SELECT account, sum(delta) AS net FROM (
                      SELECT ${t.col('toAccount')} AS account, ${t.col('amount')} AS delta FROM ${t.table}
                      UNION ALL SELECT ${t.col('fromAccount')}, -${t.col('amount')} FROM ${t.table}) legs GROUP BY account) t ON t.account = a.${a.col('id')}
        WHERE a.${a.col('balance')} <> coalesce(t.net, 0)
        ORDER BY a.${a.col('id')} LIMIT 100`,
      [],
      trx,
    );
    const negative = await sql.query<{ id: string }>(`SELECT ${a.col('id')} AS id FROM ${a.table} WHERE ${a.col('kind')} = 'player' AND ${a.col('balance')} < 0 LIMIT 100`, [], trx);
    const s = await supply(sql, orm, trx);
    const sumOfBalances = Number(totals.sum ?? 0);
    return {
      ok: sumOfBalances === 0 && mismatches.length === 0 && negative.length === 0,
      accounts: Number(totals.accounts),
      sumOfBalances,
      ...s,
      negativePlayers: negative.map((r) => r.id),
      mismatches: mismatches.map((m) => ({ account: m.id, balance: Number(m.balance), fromTransfers: Number(m.net) })),
    };
  });
}

const LEDGER_FIELDS = ['id', 'fromAccount', 'toAccount', 'amount', 'reason', 'ref', 'createdAt'] as const;
const LEDGER_LINES = 50;

export async function userView(orm: Orm, userId: string): Promise<UserView | undefined> {
  const em = orm.em();
  const player = await em.findOne(Player, { userId }, { fields: ['displayName', 'xp', 'level', 'stats', 'inventory'] });
  if (!player) return undefined;
  const account = await em.findOne(Account, { id: userId }, { fields: ['balance'] });
  // The newest lines from either side, each read down its own index (transfers_from/to_account_index),
  // then merged: one `$or` would read and sort every line of a long-lived account.
  const latest = (side: 'fromAccount' | 'toAccount') => em.find(Transfer, { [side]: userId }, { fields: LEDGER_FIELDS, orderBy: { id: 'desc' }, limit: LEDGER_LINES });
  const from = await latest('fromAccount');
  const to = await latest('toAccount');
  const ledger = [...from, ...to].sort((a, b) => b.id - a.id).slice(0, LEDGER_LINES);
  return {
    userId,
    displayName: player.displayName,
    balance: account?.balance ?? 0,
    xp: player.xp,
    level: player.level,
    stats: player.stats,
    inventory: player.inventory,
    ledger: ledger.map((t): TransferView => ({ id: t.id, from: t.fromAccount, to: t.toAccount, amount: t.amount, reason: t.reason, ref: t.ref ?? null, at: t.createdAt.toISOString() })),
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
