// A crash table's chains and rounds (schema/entities/crashRound.ts), written only by the table's
// room, and the late-stake sweep's reads.
import type { ChainSeed } from '../core/crash/chains.ts';
import type { Stake } from '../core/crash/settlement.ts';
import type { CrashBet } from '../domain/crash.ts';
import { CrashRound, CrashTable } from '../../schema/entities/crashRound.ts';
import type { Orm } from './orm.ts';
import type { Queryable, Sql } from './sql.ts';

export const CHAIN_LENGTH = 20_000;

export type UnsettledRound = { roundId: number; ran: boolean; bets: Record<string, CrashBet> };

/** The configured tables that do not exist yet get a chain seed (once; a stored seed is kept). */
export async function ensureTables(sql: Sql, names: readonly string[], newSeed: () => string): Promise<void> {
  for (const name of names) {
    await sql.query(`INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [name, newSeed(), CHAIN_LENGTH]);
  }
}

/** A new table with its chain seed (admin.crash.open); false when it exists already. */
export async function openTable(sql: Sql, trx: Queryable, name: string, seed: string): Promise<boolean> {
  const rows = await sql.query(`INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`, [name, seed, CHAIN_LENGTH], trx);
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
  const rows = await sql.query<{ first_round: number; chain_seed: string; chain_length: number }>(
    `SELECT 0 AS first_round, chain_seed, chain_length FROM crash_tables WHERE id = $1
     UNION ALL SELECT first_round, chain_seed, chain_length FROM crash_chains WHERE table_id = $1
     ORDER BY first_round`,
    [table],
  );
  return rows.map((r) => ({ firstRound: Number(r.first_round), seed: r.chain_seed, length: Number(r.chain_length) }));
}

/** A new chain for the table, committed with the first round that plays it. */
export async function insertChain(sql: Sql, trx: Queryable, table: string, chain: ChainSeed): Promise<void> {
  await sql.query(`INSERT INTO crash_chains (table_id, first_round, chain_seed, chain_length) VALUES ($1, $2, $3, $4)`, [table, chain.firstRound, chain.seed, chain.length], trx);
}

export async function unsettledRounds(sql: Sql, table: string): Promise<UnsettledRound[]> {
  const rows = await sql.query<{ round_id: number; ran: boolean; bets: Record<string, CrashBet> }>(
    `SELECT round_id, running_at IS NOT NULL AS ran, bets FROM crash_rounds WHERE table_id = $1 AND settled_at IS NULL ORDER BY round_id`,
    [table],
  );
  return rows.map((r) => ({ roundId: r.round_id, ran: r.ran, bets: r.bets }));
}

export async function nextRoundId(sql: Sql, table: string): Promise<number> {
  const [row] = await sql.query<{ next: number }>(`SELECT coalesce(max(round_id) + 1, 0) AS next FROM crash_rounds WHERE table_id = $1`, [table]);
  return Number(row.next);
}

/** The ids of the table's last settled rounds, newest first (the history shown to players). */
export async function recentRounds(orm: Orm, table: string, limit: number): Promise<number[]> {
  const rows = await orm.em().find(CrashRound, { tableId: table, settledAt: { $ne: null } }, { fields: ['roundId'], orderBy: { roundId: 'desc' }, limit });
  return rows.map((r) => r.roundId);
}

export async function insertRound(sql: Sql, trx: Queryable, table: string, roundId: number, commitment: string): Promise<void> {
  await sql.query(`INSERT INTO crash_rounds (table_id, round_id, commitment) VALUES ($1, $2, $3)`, [table, roundId, commitment], trx);
}

/** Stored with the commit that starts the running phase: from then on the round cannot be voided. */
export async function markRunning(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<void> {
  await sql.query(`UPDATE crash_rounds SET running_at = now() WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL`, [table, roundId], trx);
}

/**
 * Stores one player's bet (or its cash-out) in the round, leaving the others as stored: a room
 * whose memory missed a bet (the answer to its commit was lost, and it was acked from the stored
 * reply) cannot erase it by writing the round it remembers.
 */
export async function saveBet(sql: Sql, trx: Queryable, table: string, roundId: number, bet: CrashBet): Promise<void> {
  await sql.query(
    `UPDATE crash_rounds SET bets = bets || jsonb_build_object($3::text, $4::jsonb) WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL`,
    [table, roundId, bet.userId, JSON.stringify(bet)],
    trx,
  );
}

/** The bets stored for a round that is not settled yet (undefined once it is). */
export async function storedBets(sql: Sql, table: string, roundId: number): Promise<Record<string, CrashBet> | undefined> {
  const [row] = await sql.query<{ bets: Record<string, CrashBet> }>(`SELECT bets FROM crash_rounds WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL`, [table, roundId]);
  return row?.bets;
}

/** The round as stored, locked for its settlement; undefined when it is settled already. */
export async function roundToSettle(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<UnsettledRound | undefined> {
  const [row] = await sql.query<{ round_id: number; ran: boolean; bets: Record<string, CrashBet> }>(
    `SELECT round_id, running_at IS NOT NULL AS ran, bets FROM crash_rounds WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL FOR UPDATE`,
    [table, roundId],
    trx,
  );
  return row && { roundId: row.round_id, ran: row.ran, bets: row.bets };
}

/** Marks the round settled with the stakes its settlement handled; false when it already was. */
export async function markSettled(sql: Sql, trx: Queryable, table: string, roundId: number, handled: readonly string[]): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE crash_rounds SET settled_at = now(), handled_stakes = $3 WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL RETURNING round_id`,
    [table, roundId, JSON.stringify(handled)],
    trx,
  );
  return rows.length > 0;
}

type StakeRow = { command_id: string; from_account: string; amount: string };
const stake = (r: StakeRow): Stake => ({ stakeId: r.command_id, userId: r.from_account, amount: Number(r.amount) });

/** Every stake the players' rooms moved into escrow for this round (the ledger's view). */
export async function stakesInEscrow(sql: Sql, trx: Queryable, ref: string): Promise<Stake[]> {
  const rows = await sql.query<StakeRow>(
    `SELECT coalesce(command_id, 'transfer:' || id) AS command_id, from_account, amount FROM transfers
      WHERE to_account = 'escrow' AND ref = $1 AND reason = 'crash.bet' ORDER BY id`,
    [ref],
    trx,
  );
  return rows.map(stake);
}

export type LateStakes = { table: string; roundId: number; handled: string[]; stakes: Stake[] };

/**
 * Rounds settled in the last `withinSeconds` whose escrow holds stakes their settlement did not
 * handle (committed after it). Rounds settled before settlements recorded what they handled are
 * left alone: their refunds were keyed differently.
 */
export async function lateStakes(sql: Sql, withinSeconds: number): Promise<LateStakes[]> {
  const rows = await sql.query<StakeRow & { table_id: string; round_id: number; handled_stakes: string[] }>(
    `SELECT r.table_id, r.round_id, r.handled_stakes, coalesce(t.command_id, 'transfer:' || t.id) AS command_id, t.from_account, t.amount
       FROM crash_rounds r
       JOIN transfers t ON t.to_account = 'escrow' AND t.ref = 'crash:' || r.table_id || ':' || r.round_id AND t.reason = 'crash.bet'
      WHERE r.settled_at > now() - make_interval(secs => $1) AND r.handled_stakes IS NOT NULL
        AND NOT r.handled_stakes ? coalesce(t.command_id, 'transfer:' || t.id)
      ORDER BY t.id LIMIT 500`,
    [withinSeconds],
  );
  const byRound = new Map<string, LateStakes>();
  for (const r of rows) {
    const key = `${r.table_id}:${r.round_id}`;
    let entry = byRound.get(key);
    if (!entry) byRound.set(key, (entry = { table: r.table_id, roundId: r.round_id, handled: r.handled_stakes, stakes: [] }));
    entry.stakes.push(stake(r));
  }
  return [...byRound.values()];
}

/** A move between two system accounts, booked by the table's own fenced transaction. */
export async function systemTransfer(sql: Sql, trx: Queryable, from: string, to: string, amount: number, reason: string, ref: string): Promise<void> {
  if (amount <= 0) return;
  await sql.query(
    `WITH moved AS (INSERT INTO transfers (from_account, to_account, amount, reason, ref) VALUES ($1, $2, $3, $4, $5) RETURNING amount)
     UPDATE accounts SET balance = balance + CASE WHEN id = $2 THEN $3::bigint ELSE -$3::bigint END WHERE id IN ($1, $2) AND kind = 'system'`,
    [from, to, amount, reason, ref],
    trx,
  );
}
