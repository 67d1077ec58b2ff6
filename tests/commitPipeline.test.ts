// The commit pipeline against a real PostgreSQL: one bad mutation does not sink its neighbours
// (INV-3, docs/ARCHITECTURE.md), a lost fence fails only its writer, and the system accounts move once per
// batch by the summed delta.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openDatabase, type Database } from '../server/db/database.ts';
import { transfer } from '../server/domain/ledger.ts';
import { batchStatement } from '../server/store/batchStatements.ts';
import { CommitPipeline } from '../server/store/commitPipeline.ts';
import { CommitFailed, type Mutation } from '../server/store/mutation.ts';
import { sqlFor, type Sql } from '../server/store/sql.ts';
import { createTestDatabase, pgClient, type TestDatabase } from './support/db.ts';
import { assertLedgerHolds, balanceIn, queryRows } from './support/ledger.ts';

let db: TestDatabase;
let database: Database;
let sql: Sql;

before(async () => {
  db = await createTestDatabase('coffer_pipeline');
  database = await openDatabase({ databaseUrl: db.url, dataDir: '', migrate: true });
  sql = await sqlFor(database.orm);
});
after(async () => {
  await database?.close();
  await assertLedgerHolds(db.url);
  await db?.drop();
});

async function newPlayer(id: string, epoch = 1): Promise<void> {
  await sql.query(`INSERT INTO accounts (id, kind, epoch) VALUES ($1, 'player', $2)`, [id, epoch]);
}

function grant(account: string, amount: number, epoch = 1, commandId = `${account}-${amount}`): Mutation {
  return {
    writer: { account, epoch },
    economyVersion: 1,
    transfers: [transfer('mint', account, amount, 'gold', 'test.grant', null, commandId)],
    outbox: [],
    command: { actor: account, commandId, payloadHash: 'h', reply: { amount } },
  };
}

function spend(account: string, amount: number, epoch = 1): Mutation {
  return { writer: { account, epoch }, transfers: [transfer(account, 'house', amount, 'gold', 'test.spend', null, null)], economyVersion: 1, outbox: [] };
}

test('one failing mutation is isolated; its neighbours commit and its writer fails as a whole', async () => {
  await Promise.all(['p1', 'p2', 'p3'].map((id) => newPlayer(id)));
  const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()));
  const results = await Promise.allSettled([
    pipeline.submit(grant('p1', 10)),
    // p2 spends what it does not have: the CHECK constraint refuses the batch's net result. (A
    // later credit that covered it within the same batch would pass: the CHECK sees commits only.)
    pipeline.submit(spend('p2', 5)),
    pipeline.submit(grant('p2', 3)),
    pipeline.submit(grant('p3', 20)),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  assert.equal(((results[1] as PromiseRejectedResult).reason as CommitFailed).reason, 'rejected');
  const balances = await queryRows<{ id: string; balance: string }>(db.url, `SELECT a.id, coalesce(b.balance, 0) AS balance FROM accounts a LEFT JOIN balances b ON b.account = a.id AND b.currency = 'gold' WHERE a.id IN ('p1','p2','p3') ORDER BY a.id`);
  assert.deepEqual(balances.map((b) => Number(b.balance)), [10, 0, 20], 'the later p2 mutation was computed on top of the failed one, so it fails too');
});

test('a lost fence rejects only that writer, as "fenced"', async () => {
  await newPlayer('f1');
  await newPlayer('f2');
  const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()));
  await sql.query(`UPDATE accounts SET epoch = 2 WHERE id = 'f1'`);
  const [lost, kept] = await Promise.allSettled([pipeline.submit(grant('f1', 5)), pipeline.submit(grant('f2', 5))]);
  assert.equal(lost.status, 'rejected');
  assert.equal(((lost as PromiseRejectedResult).reason as CommitFailed).reason, 'fenced');
  assert.equal(kept.status, 'fulfilled');
  // The writer is poisoned for that epoch: nothing more from it commits, even a valid mutation.
  await assert.rejects(pipeline.submit(grant('f1', 1, 1, 'f1-late')), CommitFailed);
  assert.deepEqual(await queryRows(db.url, `SELECT * FROM command_results WHERE actor = 'f1'`), []);
});

test('many writers in one batch: system accounts move by the summed delta and every transfer is recorded', async () => {
  const ids = Array.from({ length: 50 }, (_, i) => `b${i}`);
  await Promise.all(ids.map((id) => newPlayer(id)));
  const mintBefore = await balanceIn(db.url, 'mint');
  const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()));
  await Promise.all(ids.map((id, i) => pipeline.submit(grant(id, i + 1))));
  const mintAfter = await balanceIn(db.url, 'mint');
  const total = (50 * 51) / 2;
  assert.equal(Number(mintAfter) - Number(mintBefore), -total);
  const [{ n }] = await queryRows<{ n: string }>(db.url, `SELECT count(*) AS n FROM transfers WHERE to_account LIKE 'b%'`);
  assert.equal(Number(n), 50);
});

test('a connection killed in the middle of a batch is a transient error: the batch is retried and commits once', async () => {
  await newPlayer('t1');
  const retries: unknown[] = [];
  const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()), {}, { batchCommitted() {}, queueDepth() {}, failed() {}, retried: (error) => retries.push(error) });
  // Hold the mint row so the batch blocks inside its transaction, then kill the blocked backend,
  // as a PostgreSQL restart would.
  const locker = pgClient(db.url);
  await locker.connect();
  await locker.query(`BEGIN`);
  await locker.query(`SELECT * FROM balances WHERE account = 'mint' AND currency = 'gold' FOR UPDATE`);
  const submitted = pipeline.submit(grant('t1', 2, 1, 't1-after-kill'));
  let victims: Array<{ pid: number }> = [];
  for (let i = 0; i < 200 && victims.length === 0; i++) {
    victims = (await locker.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows;
    if (victims.length === 0) await new Promise<void>((r) => setImmediate(r));
  }
  assert.equal(victims.length, 1, 'the batch is waiting for the lock');
  await locker.query(`SELECT pg_terminate_backend($1)`, [victims[0].pid]);
  await locker.query(`COMMIT`);
  await locker.end();
  await submitted;
  const rows = await queryRows(db.url, `SELECT * FROM command_results WHERE actor = 't1'`);
  assert.equal(rows.length, 1, 'committed exactly once');
  assert.ok(retries.length >= 1, 'the killed connection was noticed and the batch retried');
});
