// The task board over WebSockets: admin-created tasks, accept races, complete and abandon, the
// bounty paid exactly once by the assignee's own player room (online, offline, delivered again),
// persistence across reloads, events.sync on the board stream, and bounties in a currency other
// than gold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { BoardCommandType, type Task } from '../shared/boardCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState, BoardState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, refusalOf, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { GEMS, withGems } from './support/economies.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const fx = serverFixture('coffer_board', { EFFECT_SWEEP_SECONDS: '1' });

async function admin(): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  return joinRoom(fx.server.url, session.token, RoomName.admin, AdminState);
}

async function board(token: string, name?: string): Promise<PlayerConnection<BoardState>> {
  const tab = await joinRoom(fx.server.url, token, RoomName.board, BoardState, name ? { board: name } : {});
  await tab.waitForState((s) => s.board !== '');
  return tab;
}

async function createTask(adminTab: PlayerConnection<AdminState>, fields: Record<string, unknown>): Promise<Task> {
  return expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Slay the dragon', bountyGold: 250, bountyXp: 40, ...fields })).task;
}

test('accept, complete: the assignee is paid the bounty once, live, and the task stays completed', async () => {
  const adminTab = await admin();
  const task = await createTask(adminTab, {});
  assert.equal(task.status, 'open');
  const me = await signInGuest(fx.server.url);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  const tab = await board(me.token);
  await tab.waitForState((s) => s.tasks.has(task.id));

  const accepted = expectAck(await tab.send(BoardCommandType.taskAccept, { taskId: task.id })).task as Task;
  assert.deepEqual([accepted.status, accepted.assignee], ['accepted', me.userId]);
  assert.ok(accepted.acceptedAt);
  const done = expectAck(await tab.send(BoardCommandType.taskComplete, { taskId: task.id }));
  assert.deepEqual([done.task.status, done.bountyGold, done.bountyXp], ['completed', 250, 40]);

  await wallet.waitForState((s) => s.balance === 250 && s.xp === 40);
  await wallet.waitForEvents((events) => events.some((e) => e.type === 'reward.granted' && (e.data as { source: string }).source === 'task.bounty'));
  const bounty = await queryRows<{ amount: string }>(fx.db.url, `SELECT amount FROM transfers WHERE to_account = $1 AND from_account = 'bounty'`, [me.userId]);
  assert.deepEqual(bounty.map((b) => Number(b.amount)), [250]);

  assert.equal(refusalOf(await tab.send(BoardCommandType.taskComplete, { taskId: task.id })), 'CONFLICT/TASK_COMPLETED', 'completed once');
  assert.equal(refusalOf(await tab.send(BoardCommandType.taskAbandon, { taskId: task.id })), 'CONFLICT/TASK_COMPLETED');
  assert.equal(refusalOf(await adminTab.send(AdminCommandType.taskCancel, { taskId: task.id })), 'CONFLICT/TASK_COMPLETED', "the board's refusal reaches the admin with its reason");
  assert.equal(refusalOf(await tab.send(BoardCommandType.taskAccept, { taskId: 'no-such-task' })), 'NOT_FOUND/TASK_NOT_FOUND');
  assert.equal(refusalOf(await adminTab.send(AdminCommandType.taskCancel, { taskId: 'no-such-task' })), 'NOT_FOUND/TASK_NOT_FOUND');
  assert.equal(expectNack(await tab.send(BoardCommandType.taskAccept, { taskId: 'bad id!' })).code, 'INVALID_INPUT');

  // A reload of the page (a new room after the old one is gone) shows the same board.
  await tab.leave();
  const reloaded = await board(me.token);
  await reloaded.waitForState((s) => s.tasks.get(task.id)?.status === 'completed');
  const sync = expectAck(await reloaded.send(BoardCommandType.eventsSync, { afterSeq: 0 }));
  const mine = sync.events.filter((e: { data: { task: Task } }) => e.data.task.id === task.id).map((e: { type: string; seq: number }) => e.type);
  assert.deepEqual(mine, ['task.created', 'task.updated', 'task.updated']);
  const seqs = sync.events.map((e: { seq: number }) => e.seq);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the board stream is gapless');
  await Promise.all([reloaded.leave(), wallet.leave(), adminTab.leave()]);
});

test('two players racing to accept the same task: one wins, the other gets CONFLICT/TASK_TAKEN', async () => {
  const adminTab = await admin();
  const task = await createTask(adminTab, { title: 'Race me' });
  const [a, b] = await Promise.all([signInGuest(fx.server.url), signInGuest(fx.server.url)]);
  const [tabA, tabB] = await Promise.all([board(a.token), board(b.token)]);
  const replies = await Promise.all([tabA.send(BoardCommandType.taskAccept, { taskId: task.id }), tabB.send(BoardCommandType.taskAccept, { taskId: task.id })]);
  const wins = replies.filter((r) => 'ack' in r);
  const losses = replies.filter((r) => 'nack' in r).map(expectNack);
  assert.equal(wins.length, 1);
  assert.equal(losses.length, 1);
  assert.deepEqual([losses[0].code, losses[0].reason], ['CONFLICT', 'TASK_TAKEN']);
  const winner = 'ack' in replies[0] ? a : b;
  const loserTab = 'ack' in replies[0] ? tabB : tabA;
  assert.equal(refusalOf(await loserTab.send(BoardCommandType.taskComplete, { taskId: task.id })), 'CONFLICT/NOT_ASSIGNEE', 'only the assignee completes');
  assert.equal(refusalOf(await loserTab.send(BoardCommandType.taskAbandon, { taskId: task.id })), 'CONFLICT/NOT_ASSIGNEE', 'only the assignee abandons');
  const [row] = await queryRows<{ assignee: string }>(fx.db.url, `SELECT assignee FROM tasks WHERE id = $1`, [task.id]);
  assert.equal(row.assignee, winner.userId);
  const winnerTab = 'ack' in replies[0] ? tabA : tabB;
  assert.equal(refusalOf(await winnerTab.send(BoardCommandType.taskAccept, { taskId: task.id })), 'CONFLICT/ACCEPTED_BY_YOU');
  // Abandoning reopens it for everyone; the other player can take it now.
  const reopened = expectAck(await winnerTab.send(BoardCommandType.taskAbandon, { taskId: task.id })).task as Task;
  assert.deepEqual([reopened.status, reopened.assignee], ['open', null]);
  expectAck(await loserTab.send(BoardCommandType.taskAccept, { taskId: task.id }));
  await Promise.all([tabA.leave(), tabB.leave(), adminTab.leave()]);
});

test('an offline assignee is paid when the effect is swept; a second delivery pays nothing more', async () => {
  const adminTab = await admin();
  const task = await createTask(adminTab, { title: 'While you sleep', bountyGold: 70, bountyXp: 5 });
  const me = await signInGuest(fx.server.url);
  const tab = await board(me.token);
  expectAck(await tab.send(BoardCommandType.taskAccept, { taskId: task.id }));
  expectAck(await tab.send(BoardCommandType.taskComplete, { taskId: task.id }));
  // No player room was open: one is created to apply the effect, then disposes itself.
  await waitFor(async () => (await queryRows(fx.db.url, `SELECT 1 FROM effects WHERE user_id = $1 AND applied_at IS NOT NULL`, [me.userId])).length === 1);

  // Deliver it again (as a relay would after losing its acknowledgement): unmark it and let the
  // sweeper find it. The player's room finds its `fx:` record and applies nothing.
  await queryRows(fx.db.url, `UPDATE effects SET applied_at = NULL, created_at = now() - interval '1 hour' WHERE user_id = $1`, [me.userId]);
  await waitFor(async () => (await queryRows(fx.db.url, `SELECT 1 FROM effects WHERE user_id = $1 AND applied_at IS NOT NULL`, [me.userId])).length === 1);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  assert.deepEqual([wallet.state.balance, wallet.state.xp], [70, 5]);
  const paid = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM transfers WHERE to_account = $1 AND reason = 'task.bounty'`, [me.userId]);
  assert.equal(Number(paid[0].n), 1);
  await Promise.all([wallet.leave(), tab.leave(), adminTab.leave()]);
});

test('a bounty owed while the server was down is paid when the player comes back', async () => {
  const adminTab = await admin();
  const task = await createTask(adminTab, { title: 'Before the outage', bountyGold: 33, bountyXp: 0 });
  const me = await signInGuest(fx.server.url);
  const tab = await board(me.token);
  expectAck(await tab.send(BoardCommandType.taskAccept, { taskId: task.id }));
  await Promise.all([tab.leave(), adminTab.leave()]);
  // Simulate a completion committed by a board whose process died before delivering: the board's
  // commit (task, event, effect) is written here, in one transaction, exactly as the room writes it.
  await fx.server.stop();
  await queryRows(
    fx.db.url,
    `WITH t AS (UPDATE tasks SET status = 'completed', completed_at = now() WHERE id = $1 RETURNING id)
     INSERT INTO effects (key, user_id, from_account, currency, gold, xp, reason, ref) SELECT 'task:main:' || id, $2, 'bounty', 'gold', 33, 0, 'task.bounty', 'board:main:' || id FROM t`,
    [task.id, me.userId],
  );
  await fx.restart();
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  await wallet.waitForState((s) => s.balance === 33);
  await wallet.leave();
});

test('board commands from an admin are FORBIDDEN; admin commands from a player are FORBIDDEN', async () => {
  const session = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  const adminBoard = await board(session.token);
  assert.equal(expectNack(await adminBoard.send(BoardCommandType.taskAccept, { taskId: 'whatever' })).code, 'FORBIDDEN');
  const me = await signInGuest(fx.server.url);
  const tab = await board(me.token);
  const refused = expectNack(await tab.send(AdminCommandType.taskCreate, { title: 'mine', bountyGold: 1, bountyXp: 0 }));
  assert.equal(refused.code, 'FORBIDDEN');
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  for (const type of Object.values(AdminCommandType)) assert.equal(expectNack(await wallet.send(type, { userId: me.userId, amount: 5, reason: 'x' })).code, 'FORBIDDEN', type);
  assert.equal(expectNack(await wallet.send(CommandType.streakClaim.replace('streak', 'nope'))).code, 'INVALID_INPUT');
  await assert.rejects(joinRoom(fx.server.url, me.token, RoomName.admin, AdminState), /FORBIDDEN/);
  assert.equal((await queryRows(fx.db.url, `SELECT 1 FROM transfers WHERE to_account = $1`, [me.userId])).length, 0, 'nothing was written');
  await Promise.all([adminBoard.leave(), tab.leave(), wallet.leave()]);
});

test('a board with a hundred open tasks is sent whole to a joining player, with no encode-buffer warning in the log', async () => {
  const adminTab = await admin();
  const created: Task[] = [];
  // Each task with a 40-character title: the board's state encodes to well over the 4 KB a
  // player room's encode buffers start at (server/roomEncodeBuffers.ts).
  for (let i = 0; i < 100; i++) created.push(await createTask(adminTab, { title: `A long enough task title, number ${String(i).padStart(5, '0')}` }));
  const me = await signInGuest(fx.server.url);
  const tab = await board(me.token);
  const shown = new Set([...tab.state.tasks.keys()]);
  assert.deepEqual(created.filter((t) => !shown.has(t.id)), [], 'every task is in the state the player received');
  assert.doesNotMatch(fx.server.output(), /buffer overflow/, 'no room outgrew its encode buffers');
  await Promise.all([tab.leave(), adminTab.leave()]);
});

test("admin.task.create without a bounty takes the economy's default bounty (rewards.bounty), paid like any other", async () => {
  const adminTab = await admin();
  const task = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Default bounty' })).task;
  assert.deepEqual([task.bountyGold, task.bountyXp], [100, 10]);
  const half = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Own gold, default XP', bountyGold: 33 })).task;
  assert.deepEqual([half.bountyGold, half.bountyXp], [33, 10]);
  const me = await signInGuest(fx.server.url);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  const tab = await board(me.token);
  await tab.waitForState((s) => s.tasks.has(task.id));
  expectAck(await tab.send(BoardCommandType.taskAccept, { taskId: task.id }));
  assert.deepEqual(expectAck(await tab.send(BoardCommandType.taskComplete, { taskId: task.id })).bountyGold, 100);
  await wallet.waitForState((s) => s.balance === 100 && s.xp === 10);
  await Promise.all([tab.leave(), wallet.leave(), adminTab.leave()]);
});

test('a bounty names its currency: given by the admin or the default bounty\'s, shown on the board, stored, and paid from the bounty account in it', async () => {
  const adminTab = await admin();
  // An economy with gems whose default bounty is in gems (published live; it stays in force for the tests after this one).
  const economy = { ...withGems(), rewards: { ...withGems().rewards, bounty: { currency: GEMS, amount: 5, xp: 2 } } };
  expectAck(await adminTab.send(AdminCommandType.economyPublish, { economy }));
  const given = await createTask(adminTab, { title: 'Polish the gems', bountyGold: 3, bountyXp: 1, bountyCurrency: GEMS });
  const byDefault = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Default gem bounty' })).task;
  const inGold = await createTask(adminTab, { title: 'Still gold', bountyGold: 4, bountyXp: 0, bountyCurrency: 'gold' });
  assert.deepEqual([given.bountyGold, given.bountyCurrency, byDefault.bountyGold, byDefault.bountyCurrency, byDefault.bountyXp, inGold.bountyCurrency], [3, GEMS, 5, GEMS, 2, 'gold']);
  const unknown = expectNack(await adminTab.send(AdminCommandType.taskCreate, { title: 'Silver', bountyGold: 1, bountyCurrency: 'silver' }));
  assert.deepEqual([unknown.code, unknown.reason, unknown.message], ['INVALID_INPUT', 'UNKNOWN_CURRENCY', 'bountyCurrency silver is not a currency of the economy']);
  const stored = await queryRows<{ id: string; bounty_currency: string }>(fx.db.url, `SELECT id, bounty_currency FROM tasks WHERE id = ANY($1) ORDER BY bounty_gold`, [[given.id, byDefault.id, inGold.id]]);
  assert.deepEqual(stored.map((r) => r.bounty_currency), [GEMS, 'gold', GEMS]);

  const me = await signInGuest(fx.server.url);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  const tab = await board(me.token);
  await tab.waitForState((s) => s.tasks.get(given.id)?.bountyCurrency === GEMS && s.tasks.get(inGold.id)?.bountyCurrency === 'gold');
  for (const task of [given, byDefault]) {
    expectAck(await tab.send(BoardCommandType.taskAccept, { taskId: task.id }));
    const done = expectAck(await tab.send(BoardCommandType.taskComplete, { taskId: task.id }));
    assert.deepEqual([done.bountyGold, done.bountyCurrency], [task.bountyGold, GEMS]);
  }
  await wallet.waitForState((s) => s.wallet.get(GEMS) === 8 && s.xp === 3);
  assert.equal(wallet.state.balance, 0, 'no gold paid for gem bounties');
  const paid = await queryRows<{ amount: string; currency: string }>(fx.db.url, `SELECT amount, currency FROM transfers WHERE to_account = $1 AND from_account = 'bounty' ORDER BY id`, [me.userId]);
  assert.deepEqual(paid.map((t) => [Number(t.amount), t.currency]), [[3, GEMS], [5, GEMS]]);
  await Promise.all([tab.leave(), wallet.leave(), adminTab.leave()]);
});
