/**
 * Embedded mode: with no DATABASE_URL the server keeps its data in a PGlite directory, reached over
 * the wire protocol by the same driver, migrations and SQL as a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIGRATIONS_PATH, SYSTEM_ACCOUNTS } from '../schema/config.ts';
import { pendingMigrations } from '../schema/migrate.ts';
import { openDatabase } from '../server/db/database.ts';
import { NestedConnectionError, prepared, sqlFor } from '../server/store/sql.ts';
import { ormOver } from '../server/store/orm.ts';
import { listStockLeft } from '../server/store/shopStore.ts';

describe('embedded database', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'coffer-embedded-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('every reader and writer shares the one PGlite session without their statements colliding', async () => {
    // A parent directory that does not exist yet: it must be created, not fail.
    const db = await openDatabase({ dataDir: path.join(root, 'nested', 'concurrent'), migrate: true, poolMax: 8 });
    try {
      const sql = await sqlFor(db.orm);
      await sql.query(`create table hits (k int primary key, n int not null)`);
      // What broke when several pool connections shared the session: the same named statement
      // prepared by two connections (42P05), extended-protocol portals of one connection run by
      // another, one connection's transaction swallowing another's statements. 60 transactions,
      // 60 named reads and MikroORM's own queries, all at once.
      const [insertHit, updateHit, readN] = ['insert into hits (k, n) values ($1, 0)', 'update hits set n = n + $2 where k = $1', 'select $1::int as n'].map((text) => prepared(text));
      const writes = Array.from({ length: 60 }, (_, k) =>
        sql.transaction(async (trx) => {
          await sql.query(insertHit, [k], trx);
          await sql.query(updateHit, [k, k], trx);
        }),
      );
      const reads = Array.from({ length: 60 }, (_, i) => sql.query<{ n: number }>(readN, [i]));
      const orm = Array.from({ length: 20 }, () => db.orm.em.fork().execute(`select count(*)::int as c from accounts`));
      await Promise.all([...writes, ...reads, ...orm]);
      assert.deepEqual((await Promise.all(reads)).map((rows) => rows[0].n), Array.from({ length: 60 }, (_, i) => i));
      const [{ count, total }] = await sql.query<{ count: number; total: number }>('select count(*)::int as count, sum(n)::int as total from hits');
      assert.equal(count, 60);
      assert.equal(total, (59 * 60) / 2);
    } finally {
      await db.close();
    }
  });

  test('a statement that fails (a sold-out batch) leaves every named statement usable on the connection that replaces it', async () => {
    const db = await openDatabase({ dataDir: path.join(root, 'failed-statement'), migrate: true });
    try {
      const sql = await sqlFor(db.orm);
      const divide = prepared('select 10 / $1::int as n');
      assert.deepEqual(await sql.query(divide, [2]), [{ n: 5 }]);
      await assert.rejects(sql.query(divide, [0]), /division by zero/);
      // The pool replaced the connection; the PGlite session kept what the old one prepared.
      assert.deepEqual(await sql.query(divide, [5]), [{ n: 2 }]);
      assert.deepEqual(await sql.query(prepared('select 3 as n')), [{ n: 3 }]);
    } finally {
      await db.close();
    }
  });

  test('waiting on a second connection from inside a transaction is refused, not a silent deadlock', async () => {
    const db = await openDatabase({ dataDir: path.join(root, 'nested-use'), migrate: true });
    try {
      const sql = await sqlFor(db.orm);
      await assert.rejects(
        sql.transaction(async () => sql.query('select 1')),
        (error: unknown) => error instanceof NestedConnectionError && /outside the open transaction/.test(error.message),
      );
      // The ORM's reads take a connection of their own too (orm.ts): refused the same way.
      const orm = ormOver(db.orm, sql);
      await assert.rejects(
        sql.transaction(async () => listStockLeft(orm, ['golden-crown'])),
        (error: unknown) => error instanceof NestedConnectionError && /EntityManager/.test(error.message),
      );
      assert.deepEqual(await listStockLeft(orm, ['golden-crown']), new Map([['golden-crown', 5]]), 'the seeded counter, read outside the transaction');
      // The refused work left the one connection usable.
      assert.deepEqual(await sql.query('select 2 as n'), [{ n: 2 }]);
    } finally {
      await db.close();
    }
  });

  test('openDatabase migrates, and what was written survives a restart', async () => {
    const dataDir = path.join(root, 'data');

    const first = await openDatabase({ dataDir, migrate: true, poolMax: 4 });
    try {
      assert.equal(first.mode, 'embedded');
      assert.deepEqual(await pendingMigrations(first.orm), []);
      const seeded = await first.orm.em.fork().execute(`select id from accounts where kind = 'system' order by id`);
      assert.deepEqual(seeded.map(r => r.id), [...SYSTEM_ACCOUNTS].sort());
      await first.orm.em.fork().transactional(em =>
        em.execute(`insert into balances (account, currency, kind, balance) values ('p-alice', 'gold', 'player', 42), ('p-alice', 'gems', 'player', 3)`),
      );
    } finally {
      await first.close();
    }

    const second = await openDatabase({ dataDir, migrate: true, poolMax: 4 });
    try {
      const alice = await second.orm.em.fork().execute(`select currency, balance from balances where account = 'p-alice' order by currency`);
      assert.deepEqual(alice.map((r) => [r.currency, Number(r.balance)]), [['gems', 3], ['gold', 42]]);
      const [{ count }] = await second.orm.em.fork().execute(`select count(*)::int as count from mikro_orm_migrations`);
      const files = (await readdir(MIGRATIONS_PATH)).filter((f) => /^Migration\d+_\w+\.ts$/.test(f));
      assert.equal(count, files.length, 'each migration is recorded once: reopening did not apply them again');
    } finally {
      await second.close();
    }
  });

  test('the CHECK constraints hold in embedded mode too', async () => {
    const db = await openDatabase({ dataDir: path.join(root, 'checks'), migrate: true, poolMax: 2 });
    try {
      await assert.rejects(
        db.orm.em.fork().execute(`insert into balances (account, currency, kind, balance) values ('p-bob', 'gems', 'player', -1)`),
        /balances_player_nonnegative/,
      );
    } finally {
      await db.close();
    }
  });
});
