// The live economy on a real PostgreSQL: what is in force after each start (the file published
// only when it changed since it was last published from the file, never undoing an admin's
// publish), publishing and rolling back, a refused document storing nothing, processes publishing
// at once never sharing a version, and a process switching when told or when it polls.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Economy } from '../../shared/economy.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createLogger } from '../observability/logger.ts';
import { ormOver } from '../store/orm.ts';
import { sqlFor } from '../store/sql.ts';
import { migrateUp } from '../../schema/migrate.ts';
import { createTestDatabase } from '../../tests/support/db.ts';
import { openStore, type Store } from '../../tests/support/store.ts';
import { waitFor } from '../../tests/support/wait.ts';
import { defaultEconomy } from './defaultEconomy.ts';
import { EconomyRuntime, InvalidEconomy, type Announcer, type EconomyRuntimeDeps } from './runtime.ts';
import { listVersions, versionByNumber } from './versionStore.ts';

const logger = createLogger('silent');
const FILE = 'economy/test.json';

function withPotionPrice(amount: number): Economy {
  const economy = structuredClone(defaultEconomy);
  economy.shop['health-potion']!.price.amount = amount;
  return economy;
}

/** In-process announcements between runtimes (the presence's pub/sub, without Colyseus). */
function localChannel(): () => Announcer {
  const listeners = new Set<(version: number) => void>();
  return () => ({
    async announce(version) {
      for (const heard of listeners) heard(version);
    },
    listen(heard) {
      listeners.add(heard);
      return () => listeners.delete(heard);
    },
  });
}

describe('economy runtime', () => {
  let store: Store;
  let other: Database;
  let deps: EconomyRuntimeDeps;
  let otherDeps: EconomyRuntimeDeps;
  const started: EconomyRuntime[] = [];
  const start = async (economy: Economy, on: EconomyRuntimeDeps = deps) => {
    const runtime = await EconomyRuntime.start(on, { name: FILE, economy });
    started.push(runtime);
    return runtime;
  };
  const versions = async () => (await listVersions(store.orm)).map((v) => [v.version, v.publishedBy]);

  before(async () => {
    store = await openStore('coffer_economy_runtime');
    deps = { sql: store.sql, orm: store.orm, logger };
    // A second process: its own pool on the same database.
    other = await openDatabase({ databaseUrl: store.db.url, dataDir: '', migrate: false });
    const otherSql = await sqlFor(other.orm);
    otherDeps = { sql: otherSql, orm: ormOver(other.orm, otherSql), logger };
  });
  after(async () => {
    for (const runtime of started) runtime.stop();
    await other?.close();
    await store?.close();
  });

  test('each start: the file is published when it changed since it was last published from the file; the newest version is in force', async () => {
    const first = await start(defaultEconomy);
    assert.equal(first.current().version, 1, 'no version yet: the file becomes version 1');
    assert.deepEqual(first.current().economy, defaultEconomy);
    assert.equal(first.current().publishedBy, `file:${FILE}`);

    const again = await start(defaultEconomy);
    assert.equal(again.current().version, 1, 'the same file again publishes nothing');
    // Compared by structure, not text: keys in another order (as an editor may save them) are the same document.
    const reordered = Object.fromEntries(Object.entries(defaultEconomy).reverse()) as Economy;
    assert.equal((await start(reordered)).current().version, 1, 'the same file with its keys reordered publishes nothing');
    assert.deepEqual(Object.keys((await versionByNumber(store.sql, 1))!.economy), Object.keys(defaultEconomy), "stored in the author's order");

    const edited = await start(withPotionPrice(45));
    assert.equal(edited.current().version, 2, 'an edited file is published at start');
    assert.equal(edited.current().economy.shop['health-potion']!.price.amount, 45);

    const live = await edited.publish(withPotionPrice(40), 'admin-1');
    assert.equal(live.version, 3);
    assert.equal(edited.current().version, 3, 'in force here at once');

    const restarted = await start(withPotionPrice(45));
    assert.equal(restarted.current().version, 3, "a restart with the file unchanged keeps the admin's publish");
    assert.equal(restarted.current().economy.shop['health-potion']!.price.amount, 40);

    const reEdited = await start(withPotionPrice(44));
    assert.equal(reEdited.current().version, 4, 'editing the file again publishes it over the admin version');
    assert.deepEqual(await versions(), [
      [4, `file:${FILE}`],
      [3, 'admin-1'],
      [2, `file:${FILE}`],
      [1, `file:${FILE}`],
    ]);
  });

  test('rolling back is publishing an older version again, as the next version', async () => {
    const runtime = await start(withPotionPrice(44));
    const old = (await runtime.version(1))!;
    const before = runtime.current().version;
    const rolledBack = await runtime.publish(old.economy, 'admin-1');
    assert.equal(rolledBack.version, before + 1);
    assert.deepEqual(runtime.current().economy, defaultEconomy);
    assert.deepEqual((await runtime.version(rolledBack.version))!.economy, old.economy);
  });

  test('a refused document stores nothing and changes nothing', async () => {
    const runtime = await start(withPotionPrice(44));
    const before = runtime.current();
    const stored = await versions();
    const bad = structuredClone(defaultEconomy) as any;
    bad.shop['health-potion'].price.currency = 'gems';
    bad.rewards.streak.days = [];
    await assert.rejects(runtime.publish(bad, 'admin-1'), (error: unknown) => {
      assert.ok(error instanceof InvalidEconomy);
      assert.equal(error.code, 'INVALID_INPUT');
      assert.deepEqual(error.details?.map((d) => d.path).sort(), ['rewards.streak.days', 'shop.health-potion.price.currency']);
      assert.match(error.message, /shop\.health-potion\.price\.currency: "gems" is not a currency/);
      return true;
    });
    assert.equal(runtime.current(), before);
    assert.deepEqual(await versions(), stored);
  });

  test('two processes publishing at once never store the same version', async () => {
    const a = await start(withPotionPrice(44));
    const b = await start(withPotionPrice(44), otherDeps);
    const from = a.current().version;
    const published = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).publish(withPotionPrice(100 + i), `admin-${i}`)));
    const numbers = published.map((p) => p.version).sort((x, y) => x - y);
    assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => from + 1 + i), 'twenty publishes, twenty versions, none shared, none skipped');
    for (const p of published) assert.equal((await a.version(p.version))!.publishedBy, p.publishedBy);
  });

  test('processes starting at once with the same edited file publish it once', async () => {
    const before = (await versions()).length;
    const [a, b] = await Promise.all([start(withPotionPrice(7)), start(withPotionPrice(7), otherDeps)]);
    assert.equal((await versions()).length, before + 1);
    assert.equal(a.current().version, b.current().version);
  });

  test('another process switches when told, and by its poll when it was not', async () => {
    const channel = localChannel();
    const a = await start(withPotionPrice(7));
    const told = await start(withPotionPrice(7), otherDeps);
    const untold = await start(withPotionPrice(7), otherDeps);
    a.listen(channel(), undefined);
    told.listen(channel(), undefined);
    const published = await a.publish(withPotionPrice(8), 'admin-1');
    await waitFor(async () => told.current().version === published.version, 5_000, 5);
    assert.equal(told.current().economy.shop['health-potion']!.price.amount, 8);
    assert.equal(untold.current().version, published.version - 1, 'not told and not polling: still the old version');
    await untold.refresh();
    assert.equal(untold.current().version, published.version);
  });

  test('before the migrations are applied, the file is in force as version 0, and is stored by the first refresh after them', async () => {
    const bare = await createTestDatabase('coffer_economy_unmigrated');
    const database = await openDatabase({ databaseUrl: bare.url, dataDir: '', migrate: false });
    try {
      const sql = await sqlFor(database.orm);
      const runtime = await EconomyRuntime.start({ sql, orm: ormOver(database.orm, sql), logger }, { name: FILE, economy: withPotionPrice(3) });
      assert.equal(runtime.current().version, 0);
      assert.equal(runtime.current().economy.shop['health-potion']!.price.amount, 3);
      await runtime.refresh();
      assert.equal(runtime.current().version, 0, 'still no table');
      await migrateUp(database.orm);
      await runtime.refresh();
      assert.equal(runtime.current().version, 1);
      assert.equal((await runtime.version(1))!.publishedBy, `file:${FILE}`);
    } finally {
      await database.close();
      await bare.drop();
    }
  });

  test('a newest version this server cannot read: the start refuses naming its problems, a running process keeps its version', async () => {
    const running = await start(withPotionPrice(7));
    const bad = structuredClone(defaultEconomy) as any;
    bad.games.poker = {};
    await store.sql.query(`INSERT INTO economy_versions (version, document, published_by) SELECT max(version) + 1, $1::json, 'admin-9' FROM economy_versions`, [JSON.stringify(bad)]);
    await assert.rejects(start(withPotionPrice(7)), /economy version \d+, the one in force, is not valid for this server:\ngames\.poker: no installed game has this id\n.*ECONOMY_FILE/);
    const before = running.current();
    await running.refresh();
    assert.equal(running.current(), before);
    // Editing the file is the way out: it is published over the bad version at the next start.
    const fixed = await start(withPotionPrice(6));
    assert.equal(fixed.current().economy.shop['health-potion']!.price.amount, 6);
  });
});
