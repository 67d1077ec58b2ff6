// The cold reads (and the audit trail's insert) that go through MikroORM (server/store/orm.ts),
// against a real PostgreSQL: the filters the ORM builds from the entities select what the
// hand-written SQL selected before.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { boardHasTasks, loadTasks } from '../server/store/boardStore.ts';
import { nextRoundId, recentRounds, storedBets, tableExists, tableNames, unsettledRounds } from '../server/store/crashStore.ts';
import { recordAdminAction } from '../server/store/adminStore.ts';
import { findStockLeft, listStockLeft } from '../server/store/shopStore.ts';
import { playersOwed } from '../server/store/effectsStore.ts';
import type { Orm } from '../server/store/orm.ts';
import type { Sql } from '../server/store/sql.ts';
import { openStore, type Store } from './support/store.ts';

let store: Store;
let sql: Sql;
let orm: Orm;

before(async () => {
  store = await openStore('coffer_orm_reads');
  ({ sql, orm } = store);
});
after(async () => {
  await store?.close();
});

test("a board's tasks: open and accepted ones, and those finished within the last day, oldest first", async () => {
  await sql.query(
    `INSERT INTO tasks (id, board, title, bounty_gold, bounty_xp, status, assignee, created_at, accepted_at, completed_at) VALUES
       ('old-open', 'b', 'old open', 5, 1, 'open', NULL, now() - interval '3 days', NULL, NULL),
       ('old-accepted', 'b', 'old accepted', 5, 1, 'accepted', 'u1', now() - interval '2 days', now() - interval '2 days', NULL),
       ('done-recently', 'b', 'done recently', 7, 2, 'completed', 'u1', now() - interval '2 days', now() - interval '2 days', now() - interval '1 hour'),
       ('done-long-ago', 'b', 'done long ago', 7, 2, 'completed', 'u1', now() - interval '5 days', now() - interval '5 days', now() - interval '2 days'),
       ('cancelled-new', 'b', 'cancelled new', 9, 0, 'cancelled', NULL, now() - interval '1 hour', NULL, NULL),
       ('cancelled-old', 'b', 'cancelled old', 9, 0, 'cancelled', NULL, now() - interval '2 days', NULL, NULL),
       ('other-board', 'c', 'elsewhere', 1, 0, 'open', NULL, now(), NULL, NULL)`,
  );
  const tasks = await loadTasks(orm, 'b');
  assert.deepEqual(tasks.map((t) => t.id), ['old-open', 'old-accepted', 'done-recently', 'cancelled-new']);
  const done = tasks.find((t) => t.id === 'done-recently')!;
  // Numbers and ISO strings on the wire, not bigints or Dates.
  assert.deepEqual([done.bountyGold, done.bountyXp, done.assignee, typeof done.completedAt], [7, 2, 'u1', 'string']);
  assert.equal(tasks[0].acceptedAt, null);
  assert.doesNotThrow(() => JSON.stringify(tasks));
});

test("a crash table's history: its settled rounds only, newest first, at most the limit", async () => {
  await sql.query(
    `INSERT INTO crash_rounds (table_id, round_id, commitment, settled_at) VALUES
       ('t', 0, 'c0', now()), ('t', 1, 'c1', now()), ('t', 2, 'c2', now()), ('t', 3, 'c3', NULL), ('u', 4, 'c4', now())`,
  );
  assert.deepEqual(await recentRounds(orm, 't', 2), [2, 1]);
  assert.deepEqual(await recentRounds(orm, 't', 10), [2, 1, 0]);
});

test("a crash room's load: the rounds left unsettled with whether they ran, the next round id, a round's stored bets", async () => {
  const bet = { userId: 'u1', amount: 5, stakeId: 's1' };
  await sql.query(
    `INSERT INTO crash_rounds (table_id, round_id, commitment, bets, running_at, settled_at) VALUES
       ('load', 7, 'c7', '{}', now(), now()),
       ('load', 8, 'c8', $1, now(), NULL),
       ('load', 9, 'c9', '{}', NULL, NULL),
       ('other', 20, 'c20', '{}', NULL, NULL)`,
    [JSON.stringify({ u1: bet })],
  );
  assert.deepEqual(await unsettledRounds(orm, 'load'), [
    { roundId: 8, ran: true, bets: { u1: bet } },
    { roundId: 9, ran: false, bets: {} },
  ]);
  assert.deepEqual([await nextRoundId(orm, 'load'), await nextRoundId(orm, 'new-table')], [10, 0]);
  assert.deepEqual(await storedBets(orm, 'load', 8), { u1: bet });
  assert.equal(await storedBets(orm, 'load', 7), undefined, 'a settled round has no bets to reload');
});

test('the admin audit trail: one row per action through the EntityManager, a BigInt kept as its decimal string', async () => {
  await recordAdminAction(orm, 'admin-1', 'admin.grant', 'cmd-1', { userId: 'u', amount: 2n ** 60n }, { nack: { code: 'INVALID_INPUT' } });
  const rows = await sql.query<{ admin: string; action: string; command_id: string; payload: unknown; result: unknown }>(`SELECT admin, action, command_id, payload, result FROM admin_audit WHERE command_id = 'cmd-1'`);
  assert.deepEqual(rows, [{ admin: 'admin-1', action: 'admin.grant', command_id: 'cmd-1', payload: { userId: 'u', amount: String(2n ** 60n) }, result: { nack: { code: 'INVALID_INPUT' } } }]);
});

test('the effect sweep finds players owed effects older than the grace, by the database clock', async () => {
  await sql.query(
    `INSERT INTO effects (key, user_id, from_account, currency, gold, reason, created_at, applied_at) VALUES
       ('e1', 'owed', 'bounty', 'gold', 5, 'x', now() - interval '1 minute', NULL),
       ('e2', 'owed', 'bounty', 'gold', 5, 'x', now() - interval '2 minutes', NULL),
       ('e3', 'fresh', 'bounty', 'gold', 5, 'x', now(), NULL),
       ('e4', 'paid', 'bounty', 'gold', 5, 'x', now() - interval '1 minute', now())`,
  );
  assert.deepEqual(await playersOwed(orm, 30_000), ['owed']);
});

test('shop stock: one counter for a purchase (SQL named by the entity) and several for the catalog (EntityManager) agree', async () => {
  await sql.query(`INSERT INTO shop_items (item_id, stock) VALUES ('orm-probe', 2147483647), ('orm-other', 0)`);
  assert.equal(await findStockLeft(sql, 'orm-probe'), 2147483647);
  assert.equal(await findStockLeft(sql, 'no-such-offer'), undefined, 'an offer that has not sold has no counter');
  assert.deepEqual(await listStockLeft(orm, ['orm-probe', 'orm-other', 'no-such-offer']), new Map([['orm-probe', 2147483647], ['orm-other', 0]]));
  assert.deepEqual(await listStockLeft(orm, []), new Map());
});

test('which shared rooms exist: boards with tasks, stored crash tables in name order, at most the limit', async () => {
  await sql.query(`INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ('zeta', 's', 10), ('alpha', 's', 10), ('mid', 's', 10)`);
  assert.deepEqual(await tableNames(orm, 2), ['alpha', 'mid']);
  assert.deepEqual([await tableExists(orm, 'zeta'), await tableExists(orm, 'nowhere')], [true, false]);
  await sql.query(`INSERT INTO tasks (id, board, title, bounty_gold, bounty_xp, status) VALUES ('only', 'has-tasks', 't', 1, 0, 'cancelled')`);
  assert.deepEqual([await boardHasTasks(orm, 'has-tasks'), await boardHasTasks(orm, 'empty-board')], [true, false]);
});
