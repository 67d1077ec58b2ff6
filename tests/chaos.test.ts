// The bank test, short: two processes, mixed commands, a seeded schedule of kill -9,
// PostgreSQL away, Redis flushed, Redis restarted empty, takeover attempts on the shared rooms,
// malformed requests, reconnections after a ban or revocation and one account flooding the crash
// table (tests/support/bankAttacks.ts); then every invariant of docs/ARCHITECTURE.md is
// checked. `npm run chaos -- --seed N --seconds S --players P` runs a longer one; the seed printed
// here replays the same fault schedule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAULT_KINDS, faultSchedule, runBankTest } from './support/bank.ts';
import { unbalancedCurrencies } from './support/ledger.ts';

test('the same seed gives the same fault schedule, every kind of fault included', () => {
  assert.deepEqual(faultSchedule(42, 20), faultSchedule(42, 20));
  assert.notDeepEqual(faultSchedule(42, 20), faultSchedule(43, 20));
  assert.deepEqual(new Set(faultSchedule(7, 12).map((f) => f.kind)), new Set(FAULT_KINDS));
});

test('bank test: no coin made or lost in either currency, every acked command once, every stream gapless, every balance right', async () => {
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`chaos seed ${seed} (CHAOS_SEED=${seed} replays this schedule), started ${new Date().toISOString()}`);
  const began = Date.now();
  const report = await runBankTest({ seed, seconds: 14, players: 6, log: (line) => console.log(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${line}`) });
  assert.ok(report.acked > 50, `enough work got through (${report.acked} acked)`);
  assert.ok(report.rejoins > 0, 'the faults were felt');
  assert.ok(report.exchanges > 0, `exchanges got through (${report.exchanges} acked)`);
  assert.deepEqual(Object.keys(report.ledger.sums).sort(), ['gems', 'gold'], 'the ledger holds both currencies');
  assert.deepEqual(unbalancedCurrencies(report.ledger), [], `no coin made or lost, in any currency: ${JSON.stringify(report.ledger.sums)}`);
  assert.deepEqual(report.ledger.mismatches, [], 'every account equals the sum of its transfers');
  assert.deepEqual(report.ledger.negativePlayers, []);
  assert.deepEqual(report.notOnce, [], 'every acknowledged command is stored exactly once');
  assert.deepEqual(report.debitsNotOnce, [], 'every acknowledged paid command is debited exactly once');
  assert.ok(report.crash.bets > 0, `crash bets got through (${report.crash.bets} acked, ${report.crash.cashouts} cash-outs)`);
  assert.deepEqual(report.crash.stakesNotOnce, [], 'every acknowledged crash bet is staked into escrow exactly once');
  assert.deepEqual(report.crash.payoutsNotOnce, [], 'every acknowledged cash-out is paid exactly once');
  assert.deepEqual(report.crash.escrowHeld, [], 'every stake in escrow went to the house or back to its player');
  assert.ok(report.crash.wentOn, 'the crash table still starts rounds after the faults');
  assert.deepEqual(report.streamsWithGaps, [], 'live events plus one events.sync give every seq');
  assert.deepEqual(report.crashStreamsWithGaps, [], "the crash table's stream too");
  assert.deepEqual(report.balanceMismatches, [], "each client's final balance is the server's");
  assert.ok(report.takeovers.tried > 0, 'takeovers were tried');
  assert.deepEqual(report.takeovers.accepted, [], 'no client took a shared room over');
  assert.ok(report.attacks.badRequests.sent > 0, 'malformed requests were sent');
  assert.deepEqual(report.attacks.badRequests.notRefused, [], 'every malformed request was refused with a 4xx');
  assert.deepEqual(report.unexpectedExits, [], 'no request ended a process');
  assert.ok(report.attacks.reconnections.tried > 0, 'reconnections after bans were tried');
  assert.deepEqual(report.attacks.reconnections.accepted, [], 'no banned or revoked player got its seat back');
  assert.ok(report.attacks.flood.sent > 0 && report.attacks.flood.rateLimited > 0, `the flooding account met its budget (${JSON.stringify(report.attacks.flood)})`);
});
