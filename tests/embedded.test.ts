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
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { pgClient } from './support/db.ts';

describe('embedded database', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'coffer-embedded-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('startEmbeddedPostgres serves several connections at once to the stock pg driver', async () => {
    // A parent directory that does not exist yet: it must be created, not fail.
    const server = await startEmbeddedPostgres(path.join(root, 'nested', 'raw'), { maxConnections: 3 });
    const clients = [0, 1, 2].map(() => pgClient(server.url));
    try {
      assert.match(server.url, /^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
      await Promise.all(clients.map(c => c.connect()));
      const answers = await Promise.all(clients.map((c, i) => c.query<{ n: number }>('select $1::int as n', [i])));
      assert.deepEqual(answers.map(a => a.rows[0].n), [0, 1, 2]);
    } finally {
      await Promise.all(clients.map(c => c.end()));
      await server.close();
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
        em.execute(`insert into accounts (id, kind, balance) values ('p-alice', 'player', 42)`),
      );
    } finally {
      await first.close();
    }

    const second = await openDatabase({ dataDir, migrate: true, poolMax: 4 });
    try {
      const [alice] = await second.orm.em.fork().execute(`select balance from accounts where id = 'p-alice'`);
      assert.equal(Number(alice?.balance), 42);
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
        db.orm.em.fork().execute(`insert into accounts (id, kind, balance) values ('p-bob', 'player', -1)`),
        /accounts_player_balance_nonnegative/,
      );
    } finally {
      await db.close();
    }
  });
});
