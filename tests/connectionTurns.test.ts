// Commits before reads for the pool's connections (server/store/connectionTurns.ts), on a real
// PostgreSQL: with the only connection busy, a commit asked for after a read runs first; the
// commit pipeline's batch statement and the shared rooms' fenced transactions are the commits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { batchStatement } from '../server/store/batchStatements.ts';
import { commitFenced } from '../server/store/roomFence.ts';
import { prepared, type Sql } from '../server/store/sql.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { entityMetadata } from './support/metadata.ts';
import { migrate } from './support/server.ts';
import { sqlPool } from './support/sql.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('coffer_turns');
  await migrate(db.url);
});
after(() => db.drop());

test('with the one connection busy, a commit asked for after a read runs first', async () => {
  const sql = sqlPool(db.url, 1);
  try {
    await sql.query('CREATE TABLE turns_log (seq serial PRIMARY KEY, name text NOT NULL)');
    const { promise: release, resolve } = Promise.withResolvers<void>();
    const { promise: holding, resolve: held } = Promise.withResolvers<void>();
    const busy = sql.transaction(async (trx) => {
      await sql.query(`INSERT INTO turns_log (name) VALUES ('busy')`, [], trx);
      held();
      await release;
    });
    await holding;
    const read = sql.query(`INSERT INTO turns_log (name) VALUES ('read')`);
    const commit = sql.query(prepared(`INSERT INTO turns_log (name) VALUES ('commit')`, { commits: true }));
    resolve();
    await Promise.all([busy, read, commit]);
    const rows = await sql.query<{ name: string }>('SELECT name FROM turns_log ORDER BY seq');
    assert.deepEqual(rows.map((r) => r.name), ['busy', 'commit', 'read']);
  } finally {
    await sql.end();
  }
});

test("the pipeline's batch and the shared rooms' fenced transactions take their turns as commits", async () => {
  assert.equal(batchStatement(entityMetadata()).commits, true);
  const asked: Array<{ commits?: boolean } | undefined> = [];
  const recording = {
    metadata: entityMetadata(),
    refuseNested: () => undefined,
    query: async () => [],
    transaction: async (_work: unknown, opts?: { commits?: boolean }) => void asked.push(opts),
  } as unknown as Sql;
  await commitFenced(recording, 'turns-writer', 1, async () => undefined);
  assert.deepEqual(asked, [{ commits: true }]);
});
