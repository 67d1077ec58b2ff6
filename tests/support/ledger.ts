// The ledger invariants (INV-5, docs/ARCHITECTURE.md), checked straight in PostgreSQL after tests.
import assert from 'node:assert/strict';
import { pgClient } from './db.ts';

export type LedgerReport = { sumOfBalances: number; mismatches: Array<{ id: string; balance: number; fromTransfers: number }>; negativePlayers: string[] };

export async function ledgerReport(databaseUrl: string): Promise<LedgerReport> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    const [{ sum }] = (await client.query<{ sum: string | null }>('SELECT sum(balance) AS sum FROM accounts')).rows;
    const mismatches = (
      await client.query<{ id: string; balance: string; from_transfers: string }>(
        `SELECT a.id, a.balance, coalesce(t.net, 0) AS from_transfers
           FROM accounts a
           LEFT JOIN (
             SELECT account, sum(delta) AS net FROM (
               SELECT to_account AS account, amount AS delta FROM transfers
               UNION ALL SELECT from_account, -amount FROM transfers) x GROUP BY account
           ) t ON t.account = a.id
          WHERE a.balance <> coalesce(t.net, 0)`,
      )
    ).rows.map((r) => ({ id: r.id, balance: Number(r.balance), fromTransfers: Number(r.from_transfers) }));
    const negativePlayers = (await client.query<{ id: string }>(`SELECT id FROM accounts WHERE kind = 'player' AND balance < 0`)).rows.map((r) => r.id);
    return { sumOfBalances: Number(sum ?? 0), mismatches, negativePlayers };
  } finally {
    await client.end();
  }
}

export async function assertLedgerHolds(databaseUrl: string): Promise<void> {
  const report = await ledgerReport(databaseUrl);
  assert.equal(report.sumOfBalances, 0, 'the sum of all account balances is 0');
  assert.deepEqual(report.mismatches, [], 'every account equals the sum of its transfers');
  assert.deepEqual(report.negativePlayers, [], 'no player account is negative');
}

export async function queryRows<T = Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Test-only funding, before the player's room exists: gold minted into the account the way the
 * ledger books it (a transfer from `mint` and both balances), so the invariants still hold. The
 * room loads the balance when it is created. (Admin grants arrive with the admin room.)
 */
export async function fundNewPlayer(databaseUrl: string, userId: string, amount: number): Promise<void> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO accounts (id, kind) VALUES ($1, 'player') ON CONFLICT (id) DO NOTHING`, [userId]);
    await client.query(`INSERT INTO transfers (from_account, to_account, amount, reason) VALUES ('mint', $1, $2, 'test.fund')`, [userId, amount]);
    await client.query(`UPDATE accounts SET balance = balance + $2 WHERE id = $1`, [userId, amount]);
    await client.query(`UPDATE accounts SET balance = balance - $1 WHERE id = 'mint'`, [amount]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
