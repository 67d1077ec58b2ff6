// DESIGN.md rule 1: a second player room for the same user (here: forced by two processes that do
// not share a matchmaker) takes the fence; the first can no longer commit anything, nacks
// UNAVAILABLE and sends its clients away with the reconnect code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { CloseCode, RoomName } from '../shared/protocol.ts';
import { BoardState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, signInGuest } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';
import { migrate, startServer, type RunningServer } from './support/server.ts';

let db: TestDatabase;
let first: RunningServer;
let second: RunningServer;

before(async () => {
  db = await createTestDatabase('coffer_fence');
  await migrate(db.url);
  // No REDIS_URL: each process has its own local matchmaker, so both create a room for the user.
  [first, second] = await Promise.all([startServer({ DATABASE_URL: db.url }), startServer({ DATABASE_URL: db.url })]);
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
  const stale = await Promise.race([old.send(CommandType.gameRps, { bet: 50, hand: 'rock' }, staleId), left.then(() => 'closed' as const)]);
  if (stale !== 'closed') assert.deepEqual([expectNack(stale).code, expectNack(stale).retryable], ['UNAVAILABLE', true]);
  assert.equal(await left, CloseCode.RECONNECT, 'clients of the fenced room are told to reconnect');
  assert.deepEqual(await queryRows(db.url, 'SELECT * FROM transfers WHERE command_id = $1', [staleId]), [], 'the fenced command wrote nothing');
  assert.deepEqual(await queryRows(db.url, 'SELECT * FROM command_results WHERE command_id = $1', [staleId]), []);

  // The client retries the same id where the fence now is: it runs once, there.
  const retried = expectAck(await fresh.send(CommandType.gameRps, { bet: 50, hand: 'rock' }, staleId));
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
