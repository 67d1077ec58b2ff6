// Retention's SQL against PostgreSQL: relayed means below the Redis relay's cursor, each stream keeps
// its newest event, batches are bounded, and the ledger is left alone. The over-the-wire
// case (events.sync's snapshot answer after pruning) is in tests/accountLimits.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pruneCommandResults, pruneOutbox } from '../server/store/retention.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { migrate } from './support/server.ts';
import { sqlPool } from './support/sql.ts';

let db: TestDatabase;
let sql: ReturnType<typeof sqlPool>;

before(async () => {
  db = await createTestDatabase('coffer_retention');
  await migrate(db.url);
  sql = sqlPool(db.url);
});

after(async () => {
  await sql?.end();
  await db?.drop();
});

const old = `now() - interval '200 hours'`;
const seqs = async (stream: string) => (await sql.query<{ seq: number }>(`SELECT seq::int FROM outbox WHERE stream = $1 ORDER BY seq`, [stream])).map((r) => r.seq);

test('outbox: only rows below the Redis relay cursor go, each stream keeps its newest row, in bounded batches', async () => {
  // Transaction a writes s1-s3 and t1; the relay cursor is then set; transaction b writes s4, s5.
  await sql.transaction(async (trx) => {
    await sql.query(`INSERT INTO outbox (stream, seq, type, payload, created_at) SELECT 's', g, 'e', '{}', ${old} FROM generate_series(1, 3) g`, [], trx);
    await sql.query(`INSERT INTO outbox (stream, seq, type, payload, created_at) VALUES ('t', 1, 'e', '{}', ${old})`, [], trx);
  });
  await sql.query(`INSERT INTO relay_cursors (name, xid) VALUES ('redis', pg_current_xact_id())`);
  await sql.query(`INSERT INTO outbox (stream, seq, type, payload, created_at) SELECT 's', g, 'e', '{}', ${old} FROM generate_series(4, 5) g`);
  const olderThan = new Date(Date.now() - 168 * 3_600_000);

  assert.equal(await pruneOutbox(sql, olderThan, 'redis', 2), 2, 'a batch is bounded');
  assert.equal(await pruneOutbox(sql, olderThan, 'redis', 2), 1);
  assert.equal(await pruneOutbox(sql, olderThan, 'redis', 2), 0);
  assert.deepEqual(await seqs('s'), [4, 5], 'rows the relay has not passed stay');
  assert.deepEqual(await seqs('t'), [1], "a stream's newest row stays");
  await sql.query(`UPDATE relay_cursors SET xid = pg_current_xact_id() WHERE name = 'redis'`);
  assert.equal(await pruneOutbox(sql, olderThan, 'redis'), 1);
  assert.deepEqual(await seqs('s'), [5]);
  // In-process delivery (no Redis): every committed row counts as delivered; young rows stay.
  await sql.query(`INSERT INTO outbox (stream, seq, type, payload) VALUES ('s', 6, 'e', '{}')`);
  assert.equal(await pruneOutbox(sql, olderThan, 'in-process'), 1, 's5 (old, not the newest) goes');
  assert.equal(await pruneOutbox(sql, olderThan, 'in-process'), 0, 's6 is young and the newest');
});

test('command_results: older than the window go, in bounded batches; transfers are never touched', async () => {
  await sql.query(`INSERT INTO command_results (actor, command_id, payload_hash, reply, created_at) SELECT 'u', 'old-' || g, 'h', '{}', now() - interval '25 hours' FROM generate_series(1, 5) g`);
  await sql.query(`INSERT INTO command_results (actor, command_id, payload_hash, reply) VALUES ('u', 'young', 'h', '{}')`);
  const transfers = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM transfers`);
  const olderThan = new Date(Date.now() - 24 * 3_600_000);
  assert.equal(await pruneCommandResults(sql, olderThan, 3), 3);
  assert.equal(await pruneCommandResults(sql, olderThan, 3), 2);
  assert.equal(await pruneCommandResults(sql, olderThan, 3), 0);
  assert.deepEqual((await sql.query<{ command_id: string }>(`SELECT command_id FROM command_results`)).map((r) => r.command_id), ['young']);
  assert.deepEqual(await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM transfers`), transfers);
});
