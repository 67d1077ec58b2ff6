// Over the wire, each case as a hostile player tried it on the old code: shared rooms
// belong to the server (no takeover by `create`, no table or board with a made-up name), a crash
// round's outcome does not depend on which room settles it, a table room that cannot settle its
// round gives the table up instead of staying for ever, and every room has the same adapter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { BoardCommandType } from '../shared/boardCommands.ts';
import { crashPoint, roundHash } from '../shared/crash.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { CloseCode, PROTOCOL_VERSION, RoomName } from '../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../shared/state.ts';
import { expectAck, expectNack, joinRoom, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { pgClient } from './support/db.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { crashTableWith } from './support/crashTables.ts';
import { matchmake } from './support/rawRoom.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const fx = serverFixture('coffer_shared_rooms', { CRASH_BETTING_MS: '800', CRASH_PAUSE_MS: '100', CRASH_GROWTH_PER_SECOND: '2', EFFECT_SWEEP_SECONDS: '1' });

/** A table whose round 0 crashes at `min` or later; returns that crash point. */
async function table(name: string, min: number): Promise<number> {
  return crashPoint(roundHash(await crashTableWith(fx.db.url, name, [min]), 0));
}

async function balanceOf(account: string): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [account]);
  return Number(row?.balance ?? 0);
}

/** Resolves with the close code should the connection be closed. */
function closeOf(connection: PlayerConnection<unknown>): Promise<number> {
  return new Promise((resolve) => connection.room.onLeave((code) => resolve(code)));
}

test("a client's create cannot take over a live crash table, board or admin room; their clients stay", async () => {
  await table('t-owned', 1);
  const me = await signInGuest(fx.server.url);
  const admin = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  const crash = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-owned' });
  const board = await joinRoom(fx.server.url, me.token, RoomName.board, BoardState, { board: 'main' });
  const adminTab = await joinRoom(fx.server.url, admin.token, RoomName.admin, AdminState);
  const closed = [crash, board, adminTab].map((c) => closeOf(c as PlayerConnection<unknown>).then((code) => `closed ${code}`));
  await crash.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const roundBefore = crash.state.roundId;

  const attempts: Array<[string, string, Record<string, unknown>]> = [
    [RoomName.crash, me.token, { protocol: PROTOCOL_VERSION, table: 't-owned' }],
    [RoomName.board, me.token, { protocol: PROTOCOL_VERSION, board: 'main' }],
    [RoomName.admin, admin.token, { protocol: PROTOCOL_VERSION }],
  ];
  for (const [room, token, options] of attempts) {
    for (let i = 0; i < 3; i++) {
      const created = await matchmake(fx.server.url, room, { method: 'create', token, options });
      assert.equal(created.status, 403, `create ${room}: ${JSON.stringify(created.body)}`);
      assert.match(created.error ?? '', /joinOrCreate/, 'the refusal says how to get in');
    }
    // joinOrCreate lands in the live room, never a new one.
    const joined = await matchmake(fx.server.url, room, { token, options });
    assert.equal(joined.status, 200);
    const live = room === RoomName.crash ? crash : room === RoomName.board ? board : adminTab;
    assert.equal(joined.seat?.roomId, live.room.roomId, `${room}: the seat is in the live room`);
  }
  // The table goes on: its next round starts in the same room, nobody was sent away.
  await crash.waitForState((s) => s.roundId > roundBefore + 1);
  const outcome = await Promise.race([...closed, Promise.resolve('open')]);
  assert.equal(outcome, 'open');
  await Promise.all([crash.leave(), board.leave(), adminTab.leave()]);
});

test('a crash table or board with a made-up name is refused with the names there are, nothing stored; an admin opens a table', async () => {
  const me = await signInGuest(fx.server.url);
  const before = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM crash_tables`);
  for (let i = 0; i < 5; i++) {
    const refused = await matchmake(fx.server.url, RoomName.crash, { token: me.token, options: { protocol: PROTOCOL_VERSION, table: `made-up-${i}` } });
    assert.equal(refused.status, 404);
    assert.match(refused.error ?? '', new RegExp(`no crash table named made-up-${i}; the tables are: .*\\bmain\\b`));
  }
  const board = await matchmake(fx.server.url, RoomName.board, { token: me.token, options: { protocol: PROTOCOL_VERSION, board: 'made-up' } });
  assert.equal(board.status, 404);
  assert.match(board.error ?? '', /no board named made-up; the boards are: main/);
  const after = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM crash_tables`);
  assert.equal(after[0].n, before[0].n, 'no table was created');
  // The configured table exists without anyone having joined it before.
  const main = await matchmake(fx.server.url, RoomName.crash, { token: me.token, options: { protocol: PROTOCOL_VERSION } });
  assert.equal(main.status, 200);
  // An admin opens a table; from then on players join it.
  const admin = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  const adminTab = await joinRoom(fx.server.url, admin.token, RoomName.admin, AdminState);
  assert.deepEqual(expectAck(await adminTab.send(AdminCommandType.crashOpen, { table: 'made-up-0' })), { table: 'made-up-0', opened: true });
  const opened = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 'made-up-0' });
  await opened.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  assert.equal(expectNack(await adminTab.send(AdminCommandType.crashOpen, { table: 'Bad Name' })).code, 'INVALID_INPUT');
  await Promise.all([opened.leave(), adminTab.leave()]);
});

test('a bet lost in a round that ran stays lost when another room settles the round (no refund)', async () => {
  // Round 0 runs for about two seconds at 2/s growth; the process dies while it runs.
  await table('t-ran', 50);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 500);
  const tab = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-ran' });
  tab.room.reconnection.enabled = false;
  await tab.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  const escrowBefore = await balanceOf('escrow');
  expectAck(await tab.send(CrashCommandType.bet, { amount: 40 }));
  await tab.waitForState((s) => s.phase === 'running');
  // The running phase is stored (its event committed with it) before the process dies.
  await waitFor(async () => (await queryRows(fx.db.url, `SELECT 1 FROM outbox WHERE stream = 'crash:t-ran' AND payload->>'phase' = 'running'`)).length === 1);
  await fx.server.kill();

  await fx.restart();
  const again = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-ran' });
  await again.waitForState((s) => s.roundId >= 1);
  const moved = await queryRows<{ reason: string; amount: string }>(fx.db.url, `SELECT reason, amount FROM transfers WHERE ref = 'crash:t-ran:0' ORDER BY id`);
  assert.deepEqual(moved.map((t) => [t.reason, Number(t.amount)]), [['crash.bet', 40], ['crash.settle', 40]], 'played, as the room that ran it would have: lost to the house');
  assert.equal(await balanceOf(me.userId), 460);
  assert.equal(await balanceOf('escrow'), escrowBefore);
  const [event] = await queryRows<{ payload: { interrupted: boolean; voided: boolean } }>(fx.db.url, `SELECT payload FROM outbox WHERE stream = 'crash:t-ran' AND payload->>'phase' = 'crashed' AND (payload->>'roundId')::int = 0`);
  assert.deepEqual([event.payload.interrupted, event.payload.voided], [true, false]);
  await again.leave();
});

test('a table room that cannot store its settlement gives the table up; the next room settles the round once', async () => {
  await table('t-stuck', 1);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 100);
  const tab = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-stuck' });
  tab.room.reconnection.enabled = false;
  const left = closeOf(tab as PlayerConnection<unknown>);
  await tab.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const roundId = tab.state.roundId;
  expectAck(await tab.send(CrashCommandType.bet, { amount: 10 }));
  // Storage refuses to settle this table's rounds (a constraint the settlement's update breaks).
  const db = pgClient(fx.db.url);
  await db.connect();
  await db.query(`ALTER TABLE crash_rounds ADD CONSTRAINT t_stuck_unsettled CHECK (table_id <> 't-stuck' OR settled_at IS NULL) NOT VALID`);
  try {
    // The old room stayed, clientless and retrying every second, for over 30 minutes.
    assert.equal(await left, CloseCode.RECONNECT);
  } finally {
    await db.query(`ALTER TABLE crash_rounds DROP CONSTRAINT t_stuck_unsettled`);
    await db.end();
  }
  const again = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-stuck' });
  await again.waitForState((s) => s.roundId > roundId);
  const [round] = await queryRows<{ settled: boolean }>(fx.db.url, `SELECT settled_at IS NOT NULL AS settled FROM crash_rounds WHERE table_id = 't-stuck' AND round_id = $1`, [roundId]);
  assert.equal(round.settled, true);
  const settled = await queryRows(fx.db.url, `SELECT 1 FROM transfers WHERE ref = $1 AND reason IN ('crash.settle', 'crash.refund')`, [`crash:t-stuck:${roundId}`]);
  assert.equal(settled.length, 1, 'settled once');
  await again.leave();
});

test('every room goes through one adapter: the admin room is rate-limited, shared rooms count their commands, admin.* is refused outside the admin room', async () => {
  const admin = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  const me = await signInGuest(fx.server.url);
  const adminTab = await joinRoom(fx.server.url, admin.token, RoomName.admin, AdminState);
  // More than 10 x RATE_LIMIT_PER_SECOND (50) in one burst (admins get ten times a player's
  // budget): the admin room answered them all before. Cheap messages: unknown types.
  const replies = await Promise.all(Array.from({ length: 520 }, (_, i) => adminTab.sendRaw('admin.nothing', { id: `flood-${String(i).padStart(4, '0')}` }, `flood-${String(i).padStart(4, '0')}`)));
  const limited = replies.filter((r) => 'nack' in r && r.nack.code === 'RATE_LIMITED');
  assert.ok(limited.length > 0, 'the admin room rate-limits like every room');
  assert.ok(limited.length < 520 - 400, 'after ten times the budget of a player room');

  const board = await joinRoom(fx.server.url, me.token, RoomName.board, BoardState, { board: 'main' });
  assert.equal(expectNack(await board.send(BoardCommandType.taskAccept, { taskId: 'no-such-task' })).code, 'NOT_FOUND');
  assert.equal(expectNack(await board.send(AdminCommandType.audit)).code, 'FORBIDDEN');
  const metrics = await (await fetch(`${fx.server.url}/metrics`)).text();
  assert.match(metrics, /^coffer_commands_total\{type="task\.accept",outcome="NOT_FOUND"\} [1-9]/m, 'a board command is counted');
  assert.match(metrics, /^coffer_commands_total\{type="unknown",outcome="RATE_LIMITED"\} [1-9]/m, 'what the admin room refused is counted');
  assert.match(metrics, /^coffer_rooms\{room="board"\} 1$/m);
  await Promise.all([adminTab.leave(), board.leave()]);
});
