// INV-1 (docs/ARCHITECTURE.md): a second player room for the same user (here: forced by two processes that do
// not share a matchmaker) takes the fence; the first can no longer commit anything, nacks
// UNAVAILABLE and sends its clients away with the reconnect code. The same for a crash table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CommandType } from '../shared/commands.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { CloseCode, RoomName } from '../shared/protocol.ts';
import { BoardState, CrashState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, signInGuest } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { assertLedgerHolds, fundNewPlayer, queryRows } from './support/ledger.ts';
import { crashTableWith } from './support/crashTables.ts';
import { migrate, startServer, type RunningServer } from './support/server.ts';
import { waitFor } from './support/wait.ts';

let db: TestDatabase;
let first: RunningServer;
let second: RunningServer;

before(async () => {
  db = await createTestDatabase('coffer_fence');
  await migrate(db.url);
  // No REDIS_URL: each process has its own local matchmaker, so both create a room for the user.
  const env = { DATABASE_URL: db.url, BOARDS: 'main,fenced-board', CRASH_BETTING_MS: '1000', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '1', EFFECT_SWEEP_SECONDS: '1' };
  [first, second] = await Promise.all([startServer(env), startServer(env)]);
});
after(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await assertLedgerHolds(db.url);
  await db?.drop();
});

test('a duplicate player room takes the fence; the old one commits nothing and sends its clients away', async () => {
  const me = await signInGuest(first.url);
  const old = await joinPlayerRoom(first.url, me.token);
  expectAck(await old.send(CommandType.streakClaim));

  const fresh = await joinPlayerRoom(second.url, me.token);
  assert.equal(fresh.state.balance, 100, 'the new room loads the committed balance');
  const [{ epoch }] = await queryRows<{ epoch: string }>(db.url, 'SELECT epoch FROM accounts WHERE id = $1', [me.userId]);
  assert.equal(Number(epoch), 2, 'each room load bumps the epoch');

  const left = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));
  const staleId = newId();
  // Its failed commit answers UNAVAILABLE, unless the fence watch sent the client away first.
  const stale = await Promise.race([old.send('game.rps', { bet: 50, hand: 'rock' }, staleId), left.then(() => 'closed' as const)]);
  if (stale !== 'closed') assert.deepEqual([expectNack(stale).code, expectNack(stale).retryable], ['UNAVAILABLE', true]);
  assert.equal(await left, CloseCode.RECONNECT, 'clients of the fenced room are told to reconnect');
  assert.deepEqual(await queryRows(db.url, 'SELECT * FROM transfers WHERE command_id = $1', [staleId]), [], 'the fenced command wrote nothing');
  assert.deepEqual(await queryRows(db.url, 'SELECT * FROM command_results WHERE command_id = $1', [staleId]), []);

  // The client retries the same id where the fence now is: it runs once, there.
  const retried = expectAck(await fresh.send('game.rps', { bet: 50, hand: 'rock' }, staleId));
  assert.equal((await queryRows(db.url, 'SELECT * FROM transfers WHERE command_id = $1 AND reason = $2', [staleId, 'game.rps.bet'])).length, 1);
  await fresh.waitForState((s) => s.balance === retried.balance);
  const seqs = (await queryRows<{ seq: string }>(db.url, 'SELECT seq FROM outbox WHERE stream = $1 ORDER BY seq', [`player:${me.userId}`])).map((r) => Number(r.seq));
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'the stream stays gapless across the takeover');
  await fresh.leave();
});

test('an idle room whose fence was taken sends its clients to the newer room without waiting for a commit', async () => {
  const me = await signInGuest(first.url);
  const old = await joinPlayerRoom(first.url, me.token);
  const left = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));
  const fresh = await joinPlayerRoom(second.url, me.token);
  // The old tab sends nothing: only the fence watch can tell its room.
  assert.equal(await left, CloseCode.RECONNECT);
  expectAck(await fresh.send(CommandType.streakClaim));
  await fresh.leave();
});

test('an idle board room whose fence was taken by the same board on another process sends its clients away', async () => {
  const me = await signInGuest(first.url);
  const old = await joinRoom(first.url, me.token, RoomName.board, BoardState, { board: 'fenced-board' });
  const left = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));
  // Two processes without a shared matchmaker: the second creates the same board again.
  const fresh = await joinRoom(second.url, me.token, RoomName.board, BoardState, { board: 'fenced-board' });
  assert.equal(await left, CloseCode.RECONNECT);
  assert.equal(fresh.state.board, 'fenced-board');
  await fresh.leave();
});

test('a duplicate crash table takes the fence; the old one, whose phases the new one already stored, sends its clients away', async () => {
  // Round 0 crashes at 8x or later (a chain seed found, not assumed): two seconds of running at
  // 1/s growth, so the old table is still running it when the new one loads and settles it.
  await crashTableWith(db.url, 't-dup', [8]);
  const me = await signInGuest(first.url);
  await fundNewPlayer(db.url, me.userId, 100);
  const old = await joinRoom(first.url, me.token, RoomName.crash, CrashState, { table: 't-dup' });
  await old.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  expectAck(await old.send(CrashCommandType.bet, { amount: 10 }));
  await old.waitForState((s) => s.phase === 'running');
  const left = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));

  // The new table settles the round the old one is running and starts round 1. The round ran, so
  // it is played as its committed crash point decides (the bet, not cashed out, is lost), exactly
  // as the old room would have settled it. The old one finds both phases already stored when its
  // crash comes; it used to take that as its own answer and stop there, frozen with its clients.
  const other = await signInGuest(second.url);
  const fresh = await joinRoom(second.url, other.token, RoomName.crash, CrashState, { table: 't-dup' });
  await fresh.waitForState((s) => s.roundId === 1);
  const code = await Promise.race([left, delay(15_000, 'still attached to the old table' as const)]);
  assert.equal(code, CloseCode.RECONNECT, "the old table's clients are sent to the newer one");

  const settled = await queryRows<{ amount: string }>(db.url, `SELECT amount FROM transfers WHERE ref = 'crash:t-dup:0' AND reason = 'crash.settle'`);
  assert.deepEqual(settled.map((t) => Number(t.amount)), [10], 'the stake went to the house once');
  const refunds = await queryRows(db.url, `SELECT 1 FROM transfers WHERE to_account = $1 AND reason = 'crash.refund'`, [me.userId]);
  assert.equal(refunds.length, 0, 'a round that ran is not refunded');
  assert.equal(Number((await queryRows<{ balance: string }>(db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]))[0].balance), 90);
  const [{ balance }] = await queryRows<{ balance: string }>(db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = 'escrow' AND currency = 'gold'), 0) AS balance`);
  assert.equal(Number(balance), 0);
  await fresh.leave();
});
