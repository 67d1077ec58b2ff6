// A crash table's chains and rounds (schema/entities/crashRound.ts), written only by the table's
// room, and the late-stake sweep's reads.
import type { CurrencyId } from '../../shared/economy.ts';
import type { ChainSeed } from '../core/crash/chains.ts';
import type { Stake } from '../core/crash/settlement.ts';
import type { CrashBet } from '../domain/crash.ts';
import { Account } from '../../schema/entities/account.ts';
import { Balance } from '../../schema/entities/balance.ts';
import { CrashChain, CrashRound, CrashTable } from '../../schema/entities/crashRound.ts';
import { Transfer } from '../../schema/entities/transfer.ts';
import { namesOf, perMapping } from './entityNames.ts';
import type { Orm } from './orm.ts';
import { preparedEach, type Queryable, type Sql } from './sql.ts';

export const CHAIN_LENGTH = 20_000;

export type UnsettledRound = { roundId: number; ran: boolean; bets: Record<string, CrashBet> };

/**
 * The table's own writes run inside its fenced transaction, on its connection (the EntityManager
 * would take a connection of its own), and the chain read is one UNION over two tables: raw SQL,
 * named by the entities. The reads a room makes when it loads or reloads go through the ORM below.
 */
const statements = perMapping((metadata) => {
  const tb = namesOf(metadata, CrashTable);
  const ch = namesOf(metadata, CrashChain);
  const r = namesOf(metadata, CrashRound);
  const t = namesOf(metadata, Transfer);
  const a = namesOf(metadata, Account);
  const b = namesOf(metadata, Balance);
  const roundKey = `${r.col('tableId')} = $1 AND ${r.col('roundId')} = $2 AND ${r.col('settledAt')} IS NULL`;
  // A stake's id: the command that moved it, or the transfer's own id for one without.
  const stakeId = (alias: string) => `coalesce(${alias}.${t.col('commandId')}, 'transfer:' || ${alias}.${t.col('id')})`;
  const stakeFields = (alias: string) => `${stakeId(alias)} AS "stakeId", ${t.select(['fromAccount', 'amount', 'currency'], alias)}`;
  // Stakes are the `crash.bet` transfers into escrow whose ref is the round's (roundRef).
  const isStake = (alias: string) => `${alias}.${t.col('toAccount')} = 'escrow' AND ${alias}.${t.col('reason')} = 'crash.bet'`;
  return preparedEach({
    openTable: `INSERT INTO ${tb.table} (${tb.cols(['id', 'chainSeed', 'chainLength'])}) VALUES ($1, $2, $3) ON CONFLICT (${tb.col('id')}) DO NOTHING RETURNING ${tb.col('id')}`,
    chains: `SELECT 0 AS "firstRound", ${tb.select(['chainSeed', 'chainLength'])} FROM ${tb.table} WHERE ${tb.col('id')} = $1
     UNION ALL SELECT ${ch.select(['firstRound', 'chainSeed', 'chainLength'])} FROM ${ch.table} WHERE ${ch.col('tableId')} = $1
     ORDER BY "firstRound"`,
    insertChain: `INSERT INTO ${ch.table} (${ch.cols(['tableId', 'firstRound', 'chainSeed', 'chainLength'])}) VALUES ($1, $2, $3, $4)`,
    insertRound: `INSERT INTO ${r.table} (${r.cols(['tableId', 'roundId', 'commitment'])}) VALUES ($1, $2, $3)`,
    markRunning: `UPDATE ${r.table} SET ${r.col('runningAt')} = now() WHERE ${roundKey}`,
    // $3: the bets by user id, merged over those stored (one statement for a group of players).
    saveBets: `UPDATE ${r.table} SET ${r.col('bets')} = ${r.col('bets')} || $3::jsonb WHERE ${roundKey}`,
    roundToSettle: `SELECT ${r.select(['roundId', 'bets'])}, ${r.col('runningAt')} IS NOT NULL AS ran FROM ${r.table} WHERE ${roundKey} FOR UPDATE`,
    markSettled: `UPDATE ${r.table} SET ${r.col('settledAt')} = now(), ${r.col('handledStakes')} = $3 WHERE ${roundKey} RETURNING ${r.col('roundId')}`,
    stakesInEscrow: `SELECT ${stakeFields('t')} FROM ${t.table} t
      WHERE ${isStake('t')} AND t.${t.col('ref')} = $1 ORDER BY t.${t.col('id')}`,
    lateStakes: `SELECT ${r.select(['tableId', 'roundId', 'handledStakes'], 'r')}, ${stakeFields('t')}
       FROM ${r.table} r
       JOIN ${t.table} t ON ${isStake('t')} AND t.${t.col('ref')} = 'crash:' || r.${r.col('tableId')} || ':' || r.${r.col('roundId')}
      WHERE r.${r.col('settledAt')} > now() - make_interval(secs => $1) AND r.${r.col('handledStakes')} IS NOT NULL
        AND NOT r.${r.col('handledStakes')} ? ${stakeId('t')}
      ORDER BY t.${t.col('id')} LIMIT 500`,
    // Both ends are system accounts: their balances in the currency move with the ledger line, in
    // one statement (rows in a fixed order, as the commit batch locks them).
    systemTransfer: `WITH moved AS (INSERT INTO ${t.table} (${t.cols(['fromAccount', 'toAccount', 'amount', 'currency', 'reason', 'ref'])}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${t.col('amount')})
     INSERT INTO ${b.table} AS b (${b.cols(['account', 'currency', 'kind', 'balance'])})
     SELECT a.${a.col('id')}, $4, 'system', CASE WHEN a.${a.col('id')} = $2 THEN $3::bigint ELSE -$3::bigint END
       FROM ${a.table} a WHERE a.${a.col('id')} IN ($1, $2) AND a.${a.col('kind')} = 'system' ORDER BY a.${a.col('id')}
     ON CONFLICT (${b.cols(['account', 'currency'])}) DO UPDATE SET ${b.col('balance')} = b.${b.col('balance')} + excluded.${b.col('balance')}`,
  });
});

/** The configured tables that do not exist yet get a chain seed (once; a stored seed is kept). */
export async function ensureTables(sql: Sql, names: readonly string[], newSeed: () => string): Promise<void> {
  for (const name of names) {
    await sql.query(statements(sql.metadata).openTable, [name, newSeed(), CHAIN_LENGTH]);
  }
}

/** A new table with its chain seed (admin.crash.open); false when it exists already. */
export async function openTable(sql: Sql, trx: Queryable, name: string, seed: string): Promise<boolean> {
  const rows = await sql.query(statements(sql.metadata).openTable, [name, seed, CHAIN_LENGTH], trx);
  return rows.length > 0;
}

/** Table names in order, at most `limit` (for a refusal that names them). */
export async function tableNames(orm: Orm, limit: number): Promise<string[]> {
  return (await orm.em().find(CrashTable, {}, { fields: ['id'], orderBy: { id: 'asc' }, limit })).map((r) => r.id);
}

export async function tableExists(orm: Orm, table: string): Promise<boolean> {
  return (await orm.em().count(CrashTable, { id: table })) > 0;
}

/** The table's chains, first round first; empty when there is no such table. */
export async function tableChains(sql: Sql, table: string): Promise<ChainSeed[]> {
  const rows = await sql.query<{ firstRound: number; chainSeed: string; chainLength: number }>(statements(sql.metadata).chains, [table]);
  return rows.map((r) => ({ firstRound: Number(r.firstRound), seed: r.chainSeed, length: Number(r.chainLength) }));
}

/** A new chain for the table, committed with the first round that plays it. */
export async function insertChain(sql: Sql, trx: Queryable, table: string, chain: ChainSeed): Promise<void> {
  await sql.query(statements(sql.metadata).insertChain, [table, chain.firstRound, chain.seed, chain.length], trx);
}

const unsettled = (r: { roundId: number; runningAt?: Date | null; bets: Record<string, unknown> }): UnsettledRound => ({
  roundId: r.roundId,
  ran: r.runningAt != null,
  bets: r.bets as Record<string, CrashBet>,
});

/** The rounds a previous room of the table left unsettled, oldest first. */
export async function unsettledRounds(orm: Orm, table: string): Promise<UnsettledRound[]> {
  const rows = await orm.em().find(CrashRound, { tableId: table, settledAt: null }, { fields: ['roundId', 'runningAt', 'bets'], orderBy: { roundId: 'asc' } });
  return rows.map(unsettled);
}

/** The round after the table's last one (0 for a new table). */
export async function nextRoundId(orm: Orm, table: string): Promise<number> {
  const last = await orm.em().findOne(CrashRound, { tableId: table }, { fields: ['roundId'], orderBy: { roundId: 'desc' } });
  return last ? last.roundId + 1 : 0;
}

/** The ids of the table's last settled rounds, newest first (the history shown to players). */
export async function recentRounds(orm: Orm, table: string, limit: number): Promise<number[]> {
  const rows = await orm.em().find(CrashRound, { tableId: table, settledAt: { $ne: null } }, { fields: ['roundId'], orderBy: { roundId: 'desc' }, limit });
  return rows.map((r) => r.roundId);
}

export async function insertRound(sql: Sql, trx: Queryable, table: string, roundId: number, commitment: string): Promise<void> {
  await sql.query(statements(sql.metadata).insertRound, [table, roundId, commitment], trx);
}

/** Stored with the commit that starts the running phase: from then on the round cannot be voided. */
export async function markRunning(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<void> {
  await sql.query(statements(sql.metadata).markRunning, [table, roundId], trx);
}

/**
 * Stores players' bets (one each; placed or cashed out) in the round, leaving the others as stored:
 * a room whose memory missed a bet (the answer to its commit was lost, and it was acked from the
 * stored reply) cannot erase it by writing the round it remembers. One statement for a group.
 */
export async function saveBets(sql: Sql, trx: Queryable, table: string, roundId: number, bets: readonly CrashBet[]): Promise<void> {
  if (bets.length === 0) return;
  await sql.query(statements(sql.metadata).saveBets, [table, roundId, JSON.stringify(Object.fromEntries(bets.map((bet) => [bet.userId, bet])))], trx);
}

/** The bets stored for a round that is not settled yet (undefined once it is). */
export async function storedBets(orm: Orm, table: string, roundId: number): Promise<Record<string, CrashBet> | undefined> {
  const row = await orm.em().findOne(CrashRound, { tableId: table, roundId, settledAt: null }, { fields: ['bets'] });
  return row ? (row.bets as Record<string, CrashBet>) : undefined;
}

/** The round as stored, locked for its settlement; undefined when it is settled already. */
export async function roundToSettle(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<UnsettledRound | undefined> {
  const [row] = await sql.query<UnsettledRound>(statements(sql.metadata).roundToSettle, [table, roundId], trx);
  return row && { roundId: row.roundId, ran: row.ran, bets: row.bets };
}

/** Marks the round settled with the stakes its settlement handled; false when it already was. */
export async function markSettled(sql: Sql, trx: Queryable, table: string, roundId: number, handled: readonly string[]): Promise<boolean> {
  const rows = await sql.query(statements(sql.metadata).markSettled, [table, roundId, JSON.stringify(handled)], trx);
  return rows.length > 0;
}

// pg returns bigint columns as strings.
type StakeRow = { stakeId: string; fromAccount: string; amount: string; currency: string };
const stake = (r: StakeRow): Stake => ({ stakeId: r.stakeId, userId: r.fromAccount, amount: Number(r.amount), currency: r.currency });

/** Every stake the players' rooms moved into escrow for this round (the ledger's view). */
export async function stakesInEscrow(sql: Sql, trx: Queryable, ref: string): Promise<Stake[]> {
  const rows = await sql.query<StakeRow>(statements(sql.metadata).stakesInEscrow, [ref], trx);
  return rows.map(stake);
}

export type LateStakes = { table: string; roundId: number; handled: string[]; stakes: Stake[] };

/**
 * Rounds settled in the last `withinSeconds` whose escrow holds stakes their settlement did not
 * handle (committed after it). Rounds settled before settlements recorded what they handled are
 * left alone: their refunds were keyed differently.
 */
export async function lateStakes(sql: Sql, withinSeconds: number): Promise<LateStakes[]> {
  const rows = await sql.query<StakeRow & { tableId: string; roundId: number; handledStakes: string[] }>(statements(sql.metadata).lateStakes, [withinSeconds]);
  const byRound = new Map<string, LateStakes>();
  for (const r of rows) {
    const key = `${r.tableId}:${r.roundId}`;
    let entry = byRound.get(key);
    if (!entry) byRound.set(key, (entry = { table: r.tableId, roundId: r.roundId, handled: r.handledStakes, stakes: [] }));
    entry.stakes.push(stake(r));
  }
  return [...byRound.values()];
}

/** A move between two system accounts, booked by the table's own fenced transaction. */
export async function systemTransfer(sql: Sql, trx: Queryable, from: string, to: string, amount: number, currency: CurrencyId, reason: string, ref: string): Promise<void> {
  if (amount <= 0) return;
  await sql.query(statements(sql.metadata).systemTransfer, [from, to, amount, currency, reason, ref], trx);
}
