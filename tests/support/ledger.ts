// The ledger invariants (INV-5, docs/ARCHITECTURE.md), checked straight in PostgreSQL after tests.
import assert from 'node:assert/strict';
import { pgClient, type PgClient } from './db.ts';

/** Per currency: the sum of every account's balance; accounts whose balance is not the sum of their
 *  transfers; players below zero. */
export type LedgerReport = {
  sums: Record<string, number>;
  mismatches: Array<{ id: string; currency: string; balance: number; fromTransfers: number }>;
  negativePlayers: string[];
};

export async function ledgerReport(databaseUrl: string): Promise<LedgerReport> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    const sums = (await client.query<{ currency: string; sum: string }>('SELECT currency, sum(balance) AS sum FROM balances GROUP BY currency ORDER BY currency')).rows;
    const mismatches = (
      await client.query<{ id: string; currency: string; balance: string; from_transfers: string }>(
        `SELECT coalesce(b.account, t.account) AS id, coalesce(b.currency, t.currency) AS currency, coalesce(b.balance, 0) AS balance, coalesce(t.net, 0) AS from_transfers
           FROM balances b
           FULL JOIN (
             SELECT account, currency, sum(delta) AS net FROM (
               SELECT to_account AS account, currency, amount AS delta FROM transfers
               UNION ALL SELECT from_account, currency, -amount FROM transfers) x GROUP BY account, currency
           ) t ON t.account = b.account AND t.currency = b.currency
          WHERE coalesce(b.balance, 0) <> coalesce(t.net, 0)`,
      )
    ).rows.map((r) => ({ id: r.id, currency: r.currency, balance: Number(r.balance), fromTransfers: Number(r.from_transfers) }));
    const negativePlayers = (await client.query<{ id: string }>(`SELECT DISTINCT account AS id FROM balances WHERE kind = 'player' AND balance < 0`)).rows.map((r) => r.id);
    return { sums: Object.fromEntries(sums.map((r) => [r.currency, Number(r.sum)])), mismatches, negativePlayers };
  } finally {
    await client.end();
  }
}

/** The currencies whose balances do not sum to 0 (none when the ledger holds). */
export function unbalancedCurrencies(report: LedgerReport): string[] {
  return Object.entries(report.sums).filter(([, sum]) => sum !== 0).map(([currency]) => currency);
}

export async function assertLedgerHolds(databaseUrl: string): Promise<void> {
  const report = await ledgerReport(databaseUrl);
  assert.deepEqual(unbalancedCurrencies(report), [], `the balances of every account sum to 0 in each currency: ${JSON.stringify(report.sums)}`);
  assert.deepEqual(report.mismatches, [], 'every account equals the sum of its transfers, per currency');
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

/** What `account` holds in `currency` (0 when it never held any). */
export async function balanceIn(databaseUrl: string, account: string, currency = 'gold'): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(databaseUrl, 'SELECT balance FROM balances WHERE account = $1 AND currency = $2', [account, currency]);
  return Number(row?.balance ?? 0);
}

/** A ledger line as tests book it behind the rooms' backs (currency gold unless named). */
export type Booking = { from: string; to: string; amount: number; reason: string; ref?: string | null; commandId?: string | null; currency?: string };

/** Test-only: moves money between two accounts the way the ledger books it (a transfer and both
 *  balances, in one transaction), behind the rooms' backs. */
export async function bookTransfer(databaseUrl: string, booking: Booking): Promise<void> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    await client.query('BEGIN');
    await bookOn(client, booking);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function bookOn(client: PgClient, { from, to, amount, reason, ref = null, commandId = null, currency = 'gold' }: Booking): Promise<void> {
  await client.query(`INSERT INTO transfers (from_account, to_account, amount, currency, reason, ref, command_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [from, to, amount, currency, reason, ref, commandId]);
  // Rows there are change; a first row in the currency starts from the delta. (Not an upsert: an
  // INSERT checks the row it proposes, a debit too, before it finds the conflict.)
  await client.query(`UPDATE balances SET balance = balance + CASE WHEN account = $1 THEN -$3::bigint ELSE $3::bigint END WHERE account IN ($1, $4) AND currency = $2`, [from, currency, amount, to]);
  await client.query(
    `INSERT INTO balances (account, currency, kind, balance)
     SELECT a.id, $2, a.kind, CASE WHEN a.id = $1 THEN -$3::bigint ELSE $3::bigint END FROM accounts a
      WHERE a.id IN ($1, $4) AND NOT EXISTS (SELECT 1 FROM balances b WHERE b.account = a.id AND b.currency = $2)`,
    [from, currency, amount, to],
  );
}

/**
 * Test-only funding, before the player's room exists: `amount` of `currency` (gold unless named)
 * minted into the account the way the ledger books it (a transfer from `mint` and both balances),
 * so the invariants still hold. The room loads the wallet when it is created. (Admin grants arrive
 * with the admin room.)
 */
export async function fundNewPlayer(databaseUrl: string, userId: string, amount: number, currency = 'gold'): Promise<void> {
  const client = pgClient(databaseUrl);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO accounts (id, kind) VALUES ($1, 'player') ON CONFLICT (id) DO NOTHING`, [userId]);
    await bookOn(client, { from: 'mint', to: userId, amount, reason: 'test.fund', currency });
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
