// A crash table's chain seed and rounds (schema/entities/crashRound.ts), written only by the
// table's room.
import type { CrashBet } from '../domain/crash.ts';
import type { Queryable, Sql } from './sql.ts';

export const CHAIN_LENGTH = 20_000;

export type StoredRound = { roundId: number; bets: Record<string, CrashBet>; settled: boolean };

/** The table's chain seed, created on first use. */
export async function tableSeed(sql: Sql, table: string, newSeed: string): Promise<{ seed: string; length: number }> {
  await sql.query(`INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [table, newSeed, CHAIN_LENGTH]);
  const [row] = await sql.query<{ chain_seed: string; chain_length: number }>(`SELECT chain_seed, chain_length FROM crash_tables WHERE id = $1`, [table]);
  return { seed: row.chain_seed, length: row.chain_length };
}

export async function unsettledRounds(sql: Sql, table: string): Promise<StoredRound[]> {
  const rows = await sql.query<{ round_id: number; bets: Record<string, CrashBet> }>(`SELECT round_id, bets FROM crash_rounds WHERE table_id = $1 AND settled_at IS NULL ORDER BY round_id`, [table]);
  return rows.map((r) => ({ roundId: r.round_id, bets: r.bets, settled: false }));
}

export async function nextRoundId(sql: Sql, table: string): Promise<number> {
  const [row] = await sql.query<{ next: number }>(`SELECT coalesce(max(round_id) + 1, 0) AS next FROM crash_rounds WHERE table_id = $1`, [table]);
  return Number(row.next);
}

export async function recentRounds(sql: Sql, table: string, limit: number): Promise<number[]> {
  const rows = await sql.query<{ round_id: number }>(`SELECT round_id FROM crash_rounds WHERE table_id = $1 AND settled_at IS NOT NULL ORDER BY round_id DESC LIMIT $2`, [table, limit]);
  return rows.map((r) => r.round_id);
}

export async function insertRound(sql: Sql, trx: Queryable, table: string, roundId: number, commitment: string): Promise<void> {
  await sql.query(`INSERT INTO crash_rounds (table_id, round_id, commitment) VALUES ($1, $2, $3)`, [table, roundId, commitment], trx);
}

export async function saveBets(sql: Sql, trx: Queryable, table: string, roundId: number, bets: Record<string, CrashBet>): Promise<void> {
  await sql.query(`UPDATE crash_rounds SET bets = $3 WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL`, [table, roundId, JSON.stringify(bets)], trx);
}

/** Marks the round settled; false when it already was (settlement runs once per round). */
export async function markSettled(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<boolean> {
  return (await sql.query(`UPDATE crash_rounds SET settled_at = now() WHERE table_id = $1 AND round_id = $2 AND settled_at IS NULL RETURNING round_id`, [table, roundId], trx)).length > 0;
}

/** The stakes the players' rooms moved into escrow for this round, by player (the ledger's view). */
export async function stakesInEscrow(sql: Sql, trx: Queryable, ref: string): Promise<Map<string, number>> {
  const rows = await sql.query<{ from_account: string; amount: string }>(
    `SELECT from_account, sum(amount) AS amount FROM transfers WHERE to_account = 'escrow' AND ref = $1 GROUP BY from_account`,
    [ref],
    trx,
  );
  return new Map(rows.map((r) => [r.from_account, Number(r.amount)]));
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
