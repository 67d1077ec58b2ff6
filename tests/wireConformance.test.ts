// What the server sends is what shared/ says it sends: every room is driven through its commands and
// every ack result and event received is checked against its shared definition (shared/wireSchemas.ts,
// itself checked at compile time against shared/registry.ts). tests/support/client.ts checks each one
// as it arrives (a send() or waitForEvents() that meets a mismatch rejects); here each test also
// asserts that none was recorded and that the events it needed did arrive.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { BoardCommandType } from '../shared/boardCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../shared/state.ts';
import { commandResultSchemas, eventPayloadSchemas, wireEventSchema, wireMismatch } from '../shared/wireSchemas.ts';
import { expectAck, joinPlayerRoom, joinRoom, signInAdmin, signInGuest, wireMismatches, type PlayerConnection } from './support/client.ts';
import { crashTableWith } from './support/crashTables.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

const fx = serverFixture('coffer_wire_conformance', { CRASH_BETTING_MS: '1500', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2', EFFECT_SWEEP_SECONDS: '1' });

afterEach(() => assert.deepEqual(wireMismatches.splice(0), [], 'every ack result and event conforms to its shared definition'));

async function admin(): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  return joinRoom(fx.server.url, session.token, RoomName.admin, AdminState);
}

/** The event types `tab` received (each already checked on arrival). */
function typesSeen(tab: { events: readonly { type: string }[] }): Set<string> {
  return new Set(tab.events.map((e) => e.type));
}

test('the schemas refuse what the registry does not declare: a crashed round without voided, an extra field, a wrong type', () => {
  const crashed = { phase: 'crashed', roundId: 0, crashPoint: 1.5, hash: 'h', commitment: 'c', interrupted: false, voided: true };
  assert.equal(wireMismatch(eventPayloadSchemas['crash.round'], crashed), undefined);
  const { voided: _voided, ...withoutVoided } = crashed;
  assert.match(wireMismatch(eventPayloadSchemas['crash.round'], withoutVoided) ?? '', /voided/);
  assert.match(wireMismatch(commandResultSchemas['admin.grant'], { balance: 5, extra: 1 }) ?? '', /extra/);
  assert.match(wireMismatch(wireEventSchema, { stream: 'player:u', seq: 1, type: 'xp.changed', at: 'now', data: { xp: '1', level: 1 } }) ?? '', /xp/);
  assert.match(wireMismatch(wireEventSchema, { stream: 'player:u', seq: 1, type: 'no.such', at: 'now', data: {} }) ?? '', /type/);
});

test('the player room: every game, the shop, the streak, fair.rotate and events.sync conform', async () => {
  const adminTab = await admin();
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 10_000);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);

  expectAck(await wallet.send(CommandType.streakClaim));
  expectAck(await wallet.send('game.rps', { bet: 10, hand: 'rock' }));
  for (let i = 0; i < 5; i++) expectAck(await wallet.send('game.slot', { bet: 10 }));
  expectAck(await wallet.send('game.gacha', { pulls: 10 }));
  expectAck(await wallet.send(CommandType.shopBuy, { itemId: 'lucky-charm', qty: 2 }));
  expectAck(await wallet.send(CommandType.fairRotate, { clientSeed: 'wire-seed' }));
  expectAck(await adminTab.send(AdminCommandType.grant, { userId: me.userId, amount: 50, reason: 'wire check' }));
  expectAck(await adminTab.send(AdminCommandType.announce, { text: 'conformance' }));
  await wallet.waitForEvents((events) => events.some((e) => e.type === 'announcement') && events.some((e) => e.type === 'balance.changed' && (e.data as { reason: string }).reason === 'admin.grant'));
  const synced = expectAck(await wallet.send(CommandType.eventsSync, { afterSeq: 0 }));
  assert.ok('events' in synced && synced.events.length >= 8, 'events.sync returns the stream, each event checked');

  for (const type of ['balance.changed', 'xp.changed', 'reward.granted', 'purchase.completed', 'announcement']) assert.ok(typesSeen(wallet).has(type), `saw ${type}`);
  await Promise.all([wallet.leave(), adminTab.leave()]);
});

test('the board and admin rooms: task create, accept, complete, cancel, abandon, the admin reads, events.sync conform', async () => {
  const adminTab = await admin();
  const me = await signInGuest(fx.server.url);
  const wallet = await joinPlayerRoom(fx.server.url, me.token);
  const board = await joinRoom(fx.server.url, me.token, RoomName.board, BoardState, {});
  await board.waitForState((s) => s.board !== '');

  const done = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Wire task', bountyGold: 30, bountyXp: 5 })).task;
  const dropped = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Dropped task', bountyGold: 1, bountyXp: 0 })).task;
  const cancelled = expectAck(await adminTab.send(AdminCommandType.taskCreate, { title: 'Cancelled task', bountyGold: 1, bountyXp: 0 })).task;
  await board.waitForState((s) => s.tasks.has(cancelled.id));
  expectAck(await board.send(BoardCommandType.taskAccept, { taskId: done.id }));
  expectAck(await board.send(BoardCommandType.taskComplete, { taskId: done.id }));
  expectAck(await board.send(BoardCommandType.taskAccept, { taskId: dropped.id }));
  expectAck(await board.send(BoardCommandType.taskAbandon, { taskId: dropped.id }));
  expectAck(await adminTab.send(AdminCommandType.taskCancel, { taskId: cancelled.id }));
  await board.waitForEvents((events) => events.filter((e) => e.type === 'task.updated').length >= 5);
  await wallet.waitForState((s) => s.balance === 30);
  expectAck(await board.send(BoardCommandType.eventsSync, { afterSeq: 0 }));

  expectAck(await adminTab.send(AdminCommandType.userGet, { userId: me.userId }));
  expectAck(await adminTab.send(AdminCommandType.audit));
  expectAck(await adminTab.send(AdminCommandType.crashOpen, { table: 'wire-opened' }));
  expectAck(await adminTab.send(AdminCommandType.kick, { userId: me.userId, reason: 'wire check' }));

  for (const type of ['task.created', 'task.updated']) assert.ok(typesSeen(board).has(type), `saw ${type}`);
  await Promise.all([board.leave(), adminTab.leave()]);
});

test('the crash room: bet, cash-out, every phase of a round and events.sync conform', async () => {
  await crashTableWith(fx.db.url, 'wire-round', [3]);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 1_000);
  const crash = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 'wire-round' });
  await crash.waitForState((s) => s.table === 'wire-round' && s.phase === 'betting' && s.roundId === 0);

  expectAck(await crash.send(CrashCommandType.bet, { amount: 100 }));
  await crash.waitForState((s) => s.phase === 'running');
  expectAck(await crash.send(CrashCommandType.cashout));
  await crash.waitForEvents((events) => events.some((e) => e.type === 'crash.round' && (e.data as { phase: string }).phase === 'crashed'));
  const synced = expectAck(await crash.send(CrashCommandType.eventsSync, { afterSeq: 0 }));
  assert.ok('events' in synced && synced.events.some((e: { data: { phase: string } }) => e.data.phase === 'crashed'), 'the crashed round is in the stream, checked');

  const phases = new Set(crash.events.map((e) => (e.data as { phase: string }).phase));
  for (const phase of ['running', 'crashed']) assert.ok(phases.has(phase), `saw ${phase}`);
  await crash.leave();
});
