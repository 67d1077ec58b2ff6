// Per-account budgets with an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountSockets, RoomAccounts, UserLimits } from './userLimits.ts';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

test('sockets per account are counted in and out; commands and sync bytes are per account', () => {
  const clock = fakeClock();
  const limits = new UserLimits({ socketsPerUser: 2, commandsPerSecond: 3, syncBytesPerSecond: 1000 }, clock);
  assert.ok(limits.admit('u') && limits.admit('u'));
  assert.equal(limits.hasRoomFor('u'), false);
  assert.equal(limits.admit('u'), false, 'a third socket is refused and not counted');
  assert.ok(limits.admit('v'), 'another account is not affected');
  assert.deepEqual([limits.take('u'), limits.take('u'), limits.take('u'), limits.take('u')], ['ok', 'ok', 'ok', 'limited']);
  assert.equal(limits.take('v'), 'ok');
  assert.ok(limits.syncAllowed('u'));
  limits.chargeSync('u', 1500);
  assert.equal(limits.syncAllowed('u'), false, 'the budget is spent (and overdrawn)');
  clock.t += 400;
  assert.equal(limits.syncAllowed('u'), false, '-500 + 400');
  clock.t += 200;
  assert.ok(limits.syncAllowed('u'));
  limits.release('u');
  assert.ok(limits.hasRoomFor('u'));
  limits.release('u');
  assert.ok(limits.admit('u') && limits.admit('u'), 'all released: a fresh budget');
});

test("a room's clients hold places while live: a drop gives the place back, a reconnection takes one; admins hold none", () => {
  const limits = new UserLimits({ socketsPerUser: 1, commandsPerSecond: 10, syncBytesPerSecond: 1000 }, fakeClock());
  const places = new AccountSockets(limits);
  const [tab, reconnected, second] = [{}, {}, {}];
  assert.ok(places.take(tab, { userId: 'u', role: 'player' }));
  assert.equal(places.take(second, { userId: 'u', role: 'player' }), false);
  places.give(tab);
  places.give(tab);
  assert.ok(places.take(reconnected, { userId: 'u', role: 'player' }), 'the dropped place is free again, once');
  assert.ok(places.take({}, { userId: 'admin', role: 'admin' }) && places.take({}, { userId: 'admin', role: 'admin' }));
});

test("a shared room's budgets are per account across its sockets, per room instance, and forgotten once idle", () => {
  const clock = fakeClock();
  const table = new RoomAccounts({ commandsPerSecond: 2, syncBytesPerSecond: 1000 }, clock);
  const otherTable = new RoomAccounts({ commandsPerSecond: 2, syncBytesPerSecond: 1000 }, clock);
  // Two sockets of one account look the budget up by user id: one budget between them.
  assert.deepEqual([table.of('u').take(), table.of('u').take(), table.of('u').take()], ['ok', 'ok', 'limited']);
  assert.equal(table.of('v').take(), 'ok', 'another account is not affected');
  assert.equal(otherTable.of('u').take(), 'ok', 'another table keeps its own budget');
  table.of('u').chargeSync(1500);
  assert.equal(table.of('u').syncAllowed(), false);
  assert.equal(table.of('v').syncAllowed(), true);
  clock.t += 600;
  assert.equal(table.of('u').syncAllowed(), true, '-500 + 600');
  assert.equal(table.size, 2);
  clock.t += 10_000;
  table.of('w');
  assert.equal(table.size, 1, 'the idle accounts were forgotten; only the one that spoke now is kept');
  assert.equal(table.of('u').take(), 'ok', 'a forgotten account starts with a fresh budget');
});

test('an account over 4x its budget in one second is told to close', () => {
  const table = new RoomAccounts({ commandsPerSecond: 2, syncBytesPerSecond: 1000 }, fakeClock());
  const verdicts = Array.from({ length: 9 }, () => table.of('u').take());
  assert.deepEqual(verdicts, ['ok', 'ok', 'limited', 'limited', 'limited', 'limited', 'limited', 'limited', 'close']);
});
