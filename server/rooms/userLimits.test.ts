// Per-account budgets with an injected clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountSockets, UserLimits } from './userLimits.ts';

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
