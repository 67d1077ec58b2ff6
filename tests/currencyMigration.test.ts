// The migration that brought currencies (schema/migrations/Migration20261207142421_currencies.ts)
// on a database filled as the code before it wrote one: the schema migrated up to the migration
// before, then players, a ledger and effects written the way that code wrote them (a transfer
// and both accounts' `balance` in one transaction; effects without a currency). After the
// migration everything is gold and the audit holds per currency (docs/ARCHITECTURE.md, INV-5);
// down() gives the old schema back with the same balances while the ledger holds gold only; with
// the later migrations applied, a player's room loads its wallet, new commits in a second currency
// keep the audit, and down() then refuses and changes nothing.
// In both modes: PostgreSQL and PGlite (embedded).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../server/db/database.ts';
import { transfer } from '../server/domain/ledger.ts';
import { auditLedger } from '../server/store/adminStore.ts';
import { batchStatement } from '../server/store/batchStatements.ts';
import { CommitPipeline } from '../server/store/commitPipeline.ts';
import { pendingEffects } from '../server/store/effectsStore.ts';
import { ormOver } from '../server/store/orm.ts';
import { loadPlayer } from '../server/store/playerStore.ts';
import { sqlFor, type Sql } from '../server/store/sql.ts';
import { createTestDatabase } from './support/db.ts';

const CURRENCIES = 'Migration20261207142421_currencies';

/** The ledger as the code before currencies committed it: [from, to, amount, reason, ref]. */
const LEDGER: Array<[string, string, number, string, string | null]> = [
  ['mint', 'p-ann', 500, 'admin.grant', 'welcome'],
  ['mint', 'p-bob', 300, 'streak.claim', 'day:20000'],
  ['p-ann', 'house', 100, 'game.rps.bet', 'c-1'],
  ['house', 'p-ann', 200, 'game.rps.payout', 'c-1'],
  ['p-bob', 'shop', 50, 'shop.buy', 'health-potion'],
  ['p-ann', 'escrow', 40, 'crash.bet', 'crash:main:0'],
  ['escrow', 'house', 40, 'crash.settle', 'crash:main:0'],
  ['mint', 'p-cy', 10, 'admin.grant', 'oops'],
  ['p-cy', 'mint', 10, 'admin.debit', 'oops'],
];
const PLAYERS = ['p-ann', 'p-bob', 'p-cy'];
/** What the accounts held: the sums of LEDGER. */
const BALANCES: Record<string, number> = { 'p-ann': 560, 'p-bob': 250, 'p-cy': 0, mint: -800, house: -60, shop: 50, escrow: 0, bounty: 0 };

/** Writes LEDGER, the players and two effects (one owed, one applied) as the code before did. */
async function fillAsBefore(sql: Sql): Promise<void> {
  await sql.transaction(async (trx) => {
    for (const id of PLAYERS) {
      await sql.query(`INSERT INTO accounts (id, kind, epoch) VALUES ($1, 'player', 3)`, [id], trx);
      await sql.query(`INSERT INTO players (user_id, display_name, xp, server_seed, client_seed) VALUES ($1, $1, 40, 'seed', 'client')`, [id], trx);
    }
    for (const [from, to, amount, reason, ref] of LEDGER) {
      await sql.query(`INSERT INTO transfers (from_account, to_account, amount, reason, ref, command_id) VALUES ($1, $2, $3, $4, $5, $5)`, [from, to, amount, reason, ref], trx);
      await sql.query(`UPDATE accounts SET balance = balance - $2 WHERE id = $1`, [from, amount], trx);
      await sql.query(`UPDATE accounts SET balance = balance + $2 WHERE id = $1`, [to, amount], trx);
    }
    await sql.query(
      `INSERT INTO effects (key, user_id, from_account, gold, xp, reason, ref, applied_at) VALUES
         ('task:main:t1', 'p-bob', 'bounty', 33, 5, 'task.bounty', 'board:main:t1', NULL),
         ('crash:main:0:p-ann', 'p-ann', 'house', 80, 0, 'crash.payout', 'crash:main:0', now())`,
      [],
      trx,
    );
  });
}

async function oldBalances(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.query<{ id: string; balance: string }>(`SELECT id, balance FROM accounts ORDER BY id`);
  return Object.fromEntries(rows.map((r) => [r.id, Number(r.balance)]));
}

async function walletRows(sql: Sql): Promise<Array<[string, string, string, number]>> {
  const rows = await sql.query<{ account: string; currency: string; kind: string; balance: string }>(`SELECT account, currency, kind, balance FROM balances ORDER BY account, currency`);
  return rows.map((r) => [r.account, r.currency, r.kind, Number(r.balance)]);
}

function migrationCase(mode: string, open: (migrate: boolean) => Promise<{ database: Database; cleanUp(): Promise<void> }>): void {
  describe(`the currencies migration: ${mode}`, () => {
    let database: Database;
    let cleanUp: () => Promise<void>;
    let sql: Sql;
    /** The migration before this one (the schema the code before it wrote). */
    let previous: string;

    before(async () => {
      ({ database, cleanUp } = await open(false));
      const names = (await database.orm.migrator.getPending()).map((m) => m.name);
      previous = names[names.indexOf(CURRENCIES) - 1];
      await database.orm.migrator.up({ to: previous });
      sql = await sqlFor(database.orm);
      await fillAsBefore(sql);
      assert.deepEqual(await oldBalances(sql), BALANCES, 'the fill balances as the code before kept it');
      assert.deepEqual((await database.orm.migrator.up({ to: CURRENCIES })).map((m) => m.name), [CURRENCIES]);
    });

    after(async () => {
      await database?.close();
      await cleanUp?.();
    });

    test('every balance becomes its account\'s gold balance; every transfer and effect is gold, with no economy version', async () => {
      assert.deepEqual(
        await walletRows(sql),
        Object.entries(BALANCES).sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, balance]) => [account, 'gold', account.startsWith('p-') ? 'player' : 'system', balance]),
      );
      const transfers = await sql.query<{ currency: string; economy_version: number | null; n: string }>(`SELECT currency, economy_version, count(*) AS n FROM transfers GROUP BY 1, 2`);
      assert.deepEqual(transfers.map((t) => [t.currency, t.economy_version, Number(t.n)]), [['gold', null, LEDGER.length]]);
      const effects = await sql.query<{ currency: string; n: string }>(`SELECT currency, count(*) AS n FROM effects GROUP BY 1`);
      assert.deepEqual(effects.map((e) => [e.currency, Number(e.n)]), [['gold', 2]]);
    });

    test('the audit holds per currency, with the supply the ledger had', async () => {
      const audit = await auditLedger(sql, ormOver(database.orm, sql));
      assert.equal(audit.ok, true, JSON.stringify(audit));
      assert.deepEqual(audit.currencies, { gold: { sumOfBalances: 0, minted: 810, burned: 10, circulating: 810 } });
      assert.deepEqual([audit.sumOfBalances, audit.minted, audit.burned, audit.circulating], [0, 810, 10, 810], "gold's figures at the top, as before");
    });

    test('down() gives the schema before back with the same balances, and up() again the same wallets', async () => {
      const migrated = await walletRows(sql);
      assert.deepEqual((await database.orm.migrator.down({ to: previous })).map((m) => m.name), [CURRENCIES]);
      assert.deepEqual(await oldBalances(sql), BALANCES);
      assert.deepEqual(await sql.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'transfers' AND column_name IN ('currency', 'economy_version')`), []);
      assert.deepEqual(await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'balances'`), []);
      assert.deepEqual((await database.orm.migrator.up({ to: CURRENCIES })).map((m) => m.name), [CURRENCIES]);
      assert.deepEqual(await walletRows(sql), migrated);
    });

    test('the migrations after it apply on top (the schema today\'s code reads and writes)', async () => {
      await database.orm.migrator.up();
      assert.deepEqual(await database.orm.migrator.getPending(), []);
      assert.deepEqual(await walletRows(sql), Object.entries(BALANCES).sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, balance]) => [account, 'gold', account.startsWith('p-') ? 'player' : 'system', balance]));
    });

    test("a player's room loads the wallet and the effects it is owed, in gold", async () => {
      // Today's code reads the schema of every migration (the ones after this one too).
      await database.orm.migrator.up();
      const loaded = await loadPlayer(sql, 'p-bob', 'p-bob', new Date(), 10, () => 'seed-unused-0123456789');
      assert.deepEqual(loaded.player.wallet, { gold: 250 });
      assert.equal(loaded.epoch, 4, 'the fence moved on from the epoch stored before');
      assert.deepEqual(await pendingEffects(sql, 'p-bob'), [{ key: 'task:main:t1', userId: 'p-bob', fromAccount: 'bounty', currency: 'gold', amount: 33, xp: 5, reason: 'task.bounty', ref: 'board:main:t1' }]);
    });

    test('after the migration a second currency commits beside gold; the audit holds for each; down() then refuses and changes nothing', async () => {
      await database.orm.migrator.up();
      const loaded = await loadPlayer(sql, 'p-ann', 'p-ann', new Date(), 10, () => 'seed-unused-0123456789');
      const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()));
      await pipeline.submit({
        writer: { account: 'p-ann', epoch: loaded.epoch },
        transfers: [transfer('mint', 'p-ann', 12, 'gems', 'admin.grant', 'gift', 'g-1'), transfer('p-ann', 'house', 200, 'gold', 'wallet.exchange', 'x-1', 'x-1'), transfer('house', 'p-ann', 2, 'gems', 'wallet.exchange', 'x-1', 'x-1')],
        economyVersion: 2,
        outbox: [],
      });
      assert.deepEqual((await loadPlayer(sql, 'p-ann', 'p-ann', new Date(), 10, () => 'seed-unused-0123456789')).player.wallet, { gold: 360, gems: 14 });
      const audit = await auditLedger(sql, ormOver(database.orm, sql));
      assert.equal(audit.ok, true, JSON.stringify(audit));
      assert.deepEqual(audit.currencies.gems, { sumOfBalances: 0, minted: 12, burned: 0, circulating: 14 });
      assert.equal(audit.currencies.gold.sumOfBalances, 0);
      const before = await walletRows(sql);
      await assert.rejects(database.orm.migrator.down({ migrations: [CURRENCIES] }), /currencies other than gold/);
      assert.deepEqual(await walletRows(sql), before, 'the refused down migration changed nothing');
      assert.ok((await database.orm.migrator.getExecuted()).some((m) => m.name === CURRENCIES), 'still applied');
    });
  });
}

migrationCase('PostgreSQL', async (migrate) => {
  const db = await createTestDatabase('coffer_currencies');
  const database = await openDatabase({ databaseUrl: db.url, dataDir: '', migrate, poolMax: 2 });
  return { database, cleanUp: () => db.drop() };
});

migrationCase('PGlite', async (migrate) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-currencies-'));
  const database = await openDatabase({ dataDir, migrate });
  return { database, cleanUp: () => rm(dataDir, { recursive: true, force: true }) };
});
