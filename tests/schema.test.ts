/**
 * The schema as migrations build it on a real PostgreSQL: it matches the entities exactly, and the
 * constraints that protect money hold even against raw SQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CheckConstraintViolationException,
  MikroORM,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import { ormConfig, SYSTEM_ACCOUNTS } from '../schema/config.ts';
import { migrateUp, pendingMigrations } from '../schema/migrate.ts';
import { Player } from '../schema/entities/player.ts';
import { batchStatement } from '../server/store/batchStatements.ts';
import { sqlFor } from '../server/store/sql.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

describe('schema migrations', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pendingBefore: string[];
  let applied: string[];

  // Migrating happens here, not in a test, so every test below also runs alone (--test-name-pattern).
  before(async () => {
    db = await createTestDatabase('coffer_schema');
    orm = await MikroORM.init(ormConfig(db.url, { poolMax: 2 }));
    pendingBefore = await pendingMigrations(orm);
    applied = await migrateUp(orm);
  });

  after(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  // em.execute converts driver errors into MikroORM's exception classes (connection.execute does not).
  const sql = (query: string, params: unknown[] = []) => orm.em.fork().execute(query, params);

  test('apply on a fresh database, after which none are pending', async () => {
    assert.ok(applied.length > 0);
    assert.deepEqual(applied, pendingBefore);
    assert.deepEqual(await pendingMigrations(orm), []);
    assert.deepEqual(await migrateUp(orm), [], 'a second run applies nothing');
  });

  test('entities and migrations agree', async () => {
    // Entities vs the migrated database: any SQL here means an entity changed without a migration.
    const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    assert.equal(drift.trim(), '', `entities differ from the migrated schema; run \`node schema/migrate.ts create\`:\n${drift}`);
    // Entities vs the committed snapshot, which `migrate.ts create` diffs against next time.
    assert.equal(await orm.migrator.checkSchema(), false, 'schema/migrations/.snapshot-coffer.json is stale');
  });

  test('seeds the system accounts, each with a gold balance of 0', async () => {
    const rows = await sql(`select a.id, b.currency, b.balance from accounts a join balances b on b.account = a.id where a.kind = 'system' order by a.id`);
    assert.deepEqual(
      rows.map(r => [r.id, r.currency, Number(r.balance)]),
      [...SYSTEM_ACCOUNTS].sort().map((id) => [id, 'gold', 0]),
    );
  });

  test('a player balance can never go negative, in any currency', async () => {
    for (const currency of ['gold', 'gems']) {
      await assert.rejects(
        sql(`insert into balances (account, currency, kind, balance) values ('p-negative', '${currency}', 'player', -1)`),
        (e: unknown) => e instanceof CheckConstraintViolationException && /balances_player_nonnegative/.test(e.message),
      );
    }
    // ...while the mint, where money comes from, may.
    await sql(`update balances set balance = balance - 5 where account = 'mint' and currency = 'gold'`);
    await sql(`update balances set balance = balance + 5 where account = 'mint' and currency = 'gold'`);
    await sql(`insert into balances (account, currency, kind, balance) values ('mint', 'gems', 'system', -5)`);
    await sql(`delete from balances where account = 'mint' and currency = 'gems'`);
  });

  test('one balance row per account and currency', async () => {
    await sql(`insert into balances (account, currency, kind, balance) values ('p-once', 'gold', 'player', 1)`);
    await assert.rejects(
      sql(`insert into balances (account, currency, kind, balance) values ('p-once', 'gold', 'player', 2)`),
      (e: unknown) => e instanceof UniqueConstraintViolationException && /balances_pkey/.test(e.message),
    );
  });

  test('account kinds are limited to player and system', async () => {
    await assert.rejects(
      sql(`insert into accounts (id, kind) values ('x', 'admin')`),
      CheckConstraintViolationException,
    );
  });

  test('a transfer must move a positive amount', async () => {
    await sql(`insert into accounts (id, kind) values ('p-transfer', 'player')`);
    await assert.rejects(
      sql(`insert into transfers (from_account, to_account, amount, currency, reason) values ('mint', 'p-transfer', 0, 'gold', 'test')`),
      (e: unknown) => e instanceof CheckConstraintViolationException && /transfers_amount_positive/.test(e.message),
    );
    const [row] = await sql(
      `insert into transfers (from_account, to_account, amount, currency, reason) values ('mint', 'p-transfer', 7, 'gold', 'test') returning id, amount, economy_version, created_at`,
    );
    assert.equal(Number(row.amount), 7);
    assert.equal(row.economy_version, null, 'a transfer decided under no economy version');
    assert.ok(row.created_at);
    await assert.rejects(
      sql(`insert into transfers (from_account, to_account, amount, reason) values ('mint', 'p-transfer', 7, 'test')`),
      NotNullConstraintViolationException,
      'every transfer names its currency',
    );
  });

  test('outbox (stream, seq) is unique and xid is filled by the database', async () => {
    const insert = `insert into outbox (stream, seq, type, payload) values ('wallet:p1', 1, 'balance', '{}') returning xid`;
    const [row] = await sql(insert);
    assert.match(String(row.xid), /^\d+$/);
    await assert.rejects(
      sql(insert),
      (e: unknown) => e instanceof UniqueConstraintViolationException && /outbox_pkey/.test(e.message),
    );
    // xid is the writing transaction: rows written by one transaction share it.
    const rows = await orm.em.fork().transactional(em =>
      em.execute(`insert into outbox (stream, seq, type, payload) values ('wallet:p2', 1, 'a', '{}'), ('wallet:p2', 2, 'b', '{}') returning xid`),
    );
    assert.equal(rows[0].xid, rows[1].xid);
    assert.notEqual(rows[0].xid, row.xid);
  });

  test('the batch statement names the columns the entities map, which the migrated schema has', async () => {
    // PREPARE resolves every table and column without running anything.
    const store = await sqlFor(orm);
    const prepares = (text: string) =>
      store.transaction(async (trx) => {
        await store.query(`PREPARE coffer_schema_check AS ${text}`, [], trx);
        await store.query('DEALLOCATE coffer_schema_check', [], trx);
      });
    const metadata = orm.getMetadata();
    const statement = batchStatement(metadata);
    await prepares(statement.text);
    // A column renamed in an entity reaches the statement; without its migration, a test fails
    // here (and in 'entities and migrations agree'), not a commit in production.
    const xp = metadata.get(Player).properties.xp;
    const column = xp.fieldNames;
    xp.fieldNames = ['experience'];
    try {
      const renamed = batchStatement(metadata);
      assert.match(renamed.text, /"experience" = r\.xp/);
      assert.notEqual(renamed.name, statement.name, 'a changed statement is prepared under a new name');
      await assert.rejects(prepares(renamed.text), /column "experience" of relation "players" does not exist/);
    } finally {
      xp.fieldNames = column;
    }
  });
});
