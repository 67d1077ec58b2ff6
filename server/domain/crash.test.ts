import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crashChain, crashPoint, msUntil, multiplierAt, roundHash } from '../../shared/crash.ts';
import { Reason } from '../../shared/reasons.ts';
import { betCurrency, cashOut, checkStakeRound, newCrashRound, placeBet, withBetOf, type CrashRound } from './crash.ts';
import { DomainError } from './errors.ts';

/** A CONFLICT refusal carrying `reason` (what a client branches on) and the sentence for a person. */
function conflict(reason: Reason, message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.code, 'CONFLICT');
    assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  };
}

/** Round 7 crashing at 2.50x with the given bets placed, in the given phase. */
function round(phase: CrashRound['phase'], bets: Array<[string, number]> = []): CrashRound {
  let r = newCrashRound(7, 2.5);
  for (const [userId, amount] of bets) r = placeBet(r, userId, amount);
  return { ...r, phase };
}

describe('placeBet', () => {
  test('a bet is in gold unless it names its currency; a bet stored before bets named theirs is gold', () => {
    assert.equal(placeBet(round('betting'), 'u-ann', 5, 's', 'gems').bets['u-ann'].currency, 'gems');
    assert.equal(betCurrency(placeBet(round('betting'), 'u-ann', 5).bets['u-ann']), 'gold');
    assert.equal(betCurrency({ userId: 'u-ann', amount: 5, cashedOutAt: null, payout: 0 }), 'gold');
  });

  test('a bet while betting is recorded, not yet cashed out; the round passed in is unchanged', () => {
    const before = round('betting', [['u-ann', 40]]);
    const snapshot = structuredClone(before);
    const after = placeBet(before, 'u-bob', 25);
    assert.deepEqual(after.bets['u-bob'], { userId: 'u-bob', amount: 25, currency: 'gold', cashedOutAt: null, payout: 0 });
    assert.deepEqual(after.bets['u-ann'], before.bets['u-ann']);
    assert.deepEqual(before, snapshot);
    assert.equal(after.phase, 'betting');
  });

  test('no bets once the round runs or has crashed', () => {
    const message = 'bets are only taken while the round is betting; wait for the next round';
    assert.throws(() => placeBet(round('running'), 'u-ann', 10), conflict(Reason.ROUND_CLOSED, message));
    assert.throws(() => placeBet(round('crashed'), 'u-ann', 10), conflict(Reason.ROUND_CLOSED, message));
  });

  test('one bet per player per round', () => {
    assert.throws(() => placeBet(round('betting', [['u-ann', 10]]), 'u-ann', 5), conflict(Reason.ALREADY_BET, 'you already bet in round 7; one bet per round'));
    assert.equal(placeBet(round('betting'), '__proto__', 5).bets['__proto__'].amount, 5, 'user ids are keys, never prototype lookups');
  });

  test("a stake taken for an earlier round (the bet sent again after that round closed) is refused, naming that round", () => {
    checkStakeRound(round('betting'), 7);
    assert.throws(
      () => checkStakeRound(round('betting'), 6),
      conflict(Reason.STAKE_ROUND_OVER, 'this bet was placed for round 6, which is over; its stake is refunded when that round settles; bet again with a new id'),
    );
  });

  test('amounts that are not whole numbers >= 1 are a caller bug', () => {
    for (const amount of [0, -5, 1.5, Number.NaN, 2 ** 53]) assert.throws(() => placeBet(round('betting'), 'u-ann', amount), RangeError, String(amount));
  });
});

describe('withBetOf', () => {
  test('decisions taken on the same round for different players are recorded one after another, none undoing another', () => {
    const betting = round('betting');
    const ann = placeBet(betting, 'u-ann', 10);
    const bob = placeBet(betting, 'u-bob', 20);
    // Recording bob's decision as a whole round would drop ann's bet; withBetOf takes only bob's.
    const both = withBetOf(withBetOf(betting, ann, 'u-ann'), bob, 'u-bob');
    assert.deepEqual(Object.keys(both.bets).sort(), ['u-ann', 'u-bob']);
    assert.deepEqual(both.bets['u-bob'], bob.bets['u-bob']);
    assert.deepEqual(withBetOf(withBetOf(betting, bob, 'u-bob'), ann, 'u-ann'), both, 'in any order');
    const running = { ...both, phase: 'running' as const };
    const annOut = cashOut(running, 'u-ann', 1.5).round;
    const bobOut = cashOut(running, 'u-bob', 2).round;
    const out = withBetOf(withBetOf(running, annOut, 'u-ann'), bobOut, 'u-bob');
    assert.deepEqual([out.bets['u-ann'].cashedOutAt, out.bets['u-bob'].cashedOutAt], [1.5, 2]);
  });

  test('a decision on another round, or without a bet of that player, changes nothing', () => {
    const current = round('betting', [['u-ann', 10]]);
    const older = placeBet({ ...newCrashRound(6, 2), phase: 'betting' }, 'u-bob', 5);
    assert.equal(withBetOf(current, older, 'u-bob'), current);
    assert.equal(withBetOf(current, current, 'u-bob'), current);
  });
});

describe('cashOut', () => {
  test('a cash-out below the crash point pays floor(amount * multiplier) and marks the bet', () => {
    const running = round('running', [['u-ann', 33], ['u-bob', 10]]);
    const { round: after, payout } = cashOut(running, 'u-ann', 1.53);
    assert.equal(payout, 50, 'floor(33 * 1.53) = floor(50.49)');
    assert.deepEqual(after.bets['u-ann'], { userId: 'u-ann', amount: 33, currency: 'gold', cashedOutAt: 1.53, payout: 50 });
    assert.deepEqual(after.bets['u-bob'], running.bets['u-bob']);
    assert.equal(running.bets['u-ann'].cashedOutAt, null, 'the round passed in is unchanged');
    assert.equal(cashOut(running, 'u-bob', 2.49).payout, 24);
    assert.equal(cashOut(running, 'u-bob', 1).payout, 10);
  });

  test('payouts are exact where amount * multiplier in floating point is not', () => {
    assert.equal(100 * 1.15, 114.99999999999999);
    assert.equal(cashOut(round('running', [['u-ann', 100]]), 'u-ann', 1.15).payout, 115);
    assert.equal(cashOut(round('running', [['u-ann', 7]]), 'u-ann', 1.13).payout, 7);
    assert.equal(cashOut(round('running', [['u-ann', 1_000_000]]), 'u-ann', 2.49).payout, 2_490_000);
  });

  test('only while running', () => {
    const message = 'you can cash out only while the round is running';
    assert.throws(() => cashOut(round('betting', [['u-ann', 10]]), 'u-ann', 1.2), conflict(Reason.ROUND_NOT_RUNNING, message));
    assert.throws(() => cashOut(round('crashed', [['u-ann', 10]]), 'u-ann', 1.2), conflict(Reason.ROUND_NOT_RUNNING, message));
  });

  test('only with a bet in this round', () => {
    assert.throws(() => cashOut(round('running', [['u-ann', 10]]), 'u-bob', 1.2), conflict(Reason.NO_BET, 'you have no bet in round 7'));
    assert.throws(() => cashOut(round('running'), 'toString', 1.2), conflict(Reason.NO_BET, 'you have no bet in round 7'));
  });

  test('only once', () => {
    const { round: after } = cashOut(round('running', [['u-ann', 10]]), 'u-ann', 1.5);
    assert.throws(() => cashOut(after, 'u-ann', 1.6), conflict(Reason.ALREADY_CASHED_OUT, 'you already cashed out of round 7 at 1.50x'));
  });

  test('only below the crash point', () => {
    const running = round('running', [['u-ann', 10]]);
    assert.throws(() => cashOut(running, 'u-ann', 2.5), conflict(Reason.CRASHED_FIRST, 'round 7 crashed at 2.50x before your cash-out'));
    assert.throws(() => cashOut(running, 'u-ann', 3), conflict(Reason.CRASHED_FIRST, 'round 7 crashed at 2.50x before your cash-out'));
    const instant = { ...newCrashRound(8, 1), phase: 'running' as const, bets: running.bets };
    assert.throws(() => cashOut(instant, 'u-ann', 1), conflict(Reason.CRASHED_FIRST, 'round 8 crashed at 1.00x before your cash-out'));
  });

  test('multipliers are hundredths >= 1', () => {
    const running = round('running', [['u-ann', 10]]);
    for (const m of [0.99, 1.555, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => cashOut(running, 'u-ann', m), RangeError, String(m));
  });

  test('on the shared curve, the last ms before the crash pays and the crash ms does not', () => {
    const chain = crashChain('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 40);
    const growth = 0.06;
    let checked = 0;
    for (let r = 0; r < 40; r++) {
      const point = crashPoint(roundHash(chain, r));
      const running: CrashRound = { ...placeBet(newCrashRound(r, point), 'u-ann', 100), phase: 'running' };
      const crashMs = msUntil(point, growth);
      assert.throws(() => cashOut(running, 'u-ann', multiplierAt(crashMs, growth)), (e: unknown) => e instanceof DomainError && e.reason === Reason.CRASHED_FIRST, `round ${r} at ${point}`);
      if (crashMs === 0) continue;
      const last = multiplierAt(crashMs - 1, growth);
      assert.equal(cashOut(running, 'u-ann', last).payout, Math.round(last * 100), `round ${r} at ${point}`);
      checked++;
    }
    assert.ok(checked > 30, `${checked} rounds ran`);
  });
});
