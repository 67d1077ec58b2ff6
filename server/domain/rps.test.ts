// Rock-paper-scissors against the house as a pure rule: outcomes, payouts, ledger legs, stats.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hand, RpsOutcome } from '../../shared/commands.ts';
import { EventType } from '../../shared/events.ts';
import { InsufficientFunds } from './errors.ts';
import { SystemAccount, netDelta, type Transfer } from './ledger.ts';
import type { Player } from './player.ts';
import { RPS_GAME, RPS_PAYOUT, handFromIndex, playRps, rpsOutcome } from './rps.ts';

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-bob', displayName: 'bob', balance: 100, xp: 0, level: 1, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, ...overrides };
}

const TABLE: Array<[Hand, Hand, RpsOutcome]> = [
  ['rock', 'rock', 'draw'],
  ['rock', 'paper', 'lose'],
  ['rock', 'scissors', 'win'],
  ['paper', 'rock', 'win'],
  ['paper', 'paper', 'draw'],
  ['paper', 'scissors', 'lose'],
  ['scissors', 'rock', 'lose'],
  ['scissors', 'paper', 'win'],
  ['scissors', 'scissors', 'draw'],
];

describe('rpsOutcome', () => {
  for (const [hand, serverHand, outcome] of TABLE) {
    test(`${hand} against ${serverHand} is a ${outcome}`, () => {
      assert.equal(rpsOutcome(hand, serverHand), outcome);
    });
  }

  test('payouts are 2x on a win, 1x on a draw, 0 on a loss', () => {
    assert.deepEqual(RPS_PAYOUT, { win: 2, draw: 1, lose: 0 });
  });

  test('handFromIndex maps 0, 1, 2 to every hand', () => {
    assert.deepEqual([0, 1, 2].map(handFromIndex), ['rock', 'paper', 'scissors']);
  });
});

describe('playRps', () => {
  for (const [hand, serverHand, outcome] of TABLE) {
    test(`${hand} vs ${serverHand}: legs, balance and result`, () => {
      const bet = 10;
      const payout = { win: 20, draw: 10, lose: 0 }[outcome];
      const { next, transfers, result } = playRps(player(), bet, hand, serverHand, 'cmd-rps-0001');
      const expectedLegs: Transfer[] = [{ from: 'u-bob', to: SystemAccount.house, amount: bet, reason: 'game.rps.bet', ref: 'cmd-rps-0001', commandId: 'cmd-rps-0001' }];
      if (payout > 0) expectedLegs.push({ from: SystemAccount.house, to: 'u-bob', amount: payout, reason: 'game.rps.payout', ref: 'cmd-rps-0001', commandId: 'cmd-rps-0001' });
      assert.deepEqual(transfers, expectedLegs);
      assert.equal(netDelta('u-bob', transfers), payout - bet);
      assert.equal(netDelta(SystemAccount.house, transfers), bet - payout);
      assert.equal(next.balance, 100 - bet + payout);
      assert.deepEqual(result, { serverHand, outcome, payout, balance: 100 - bet + payout, proof: null });
    });
  }

  test('events: balance.changed with the net delta, only when the balance moved', () => {
    const win = playRps(player(), 5, 'rock', 'scissors', 'cmd-rps-win1');
    assert.deepEqual(win.events, [{ type: EventType.balanceChanged, data: { delta: 5, balance: 105, reason: 'game.rps', ref: 'cmd-rps-win1' } }]);
    const draw = playRps(player(), 5, 'rock', 'rock', 'cmd-rps-drw1');
    assert.deepEqual(draw.events, []);
    const lose = playRps(player(), 5, 'rock', 'paper', 'cmd-rps-los1');
    assert.equal((lose.events[0].data as { delta: number }).delta, -5);
  });

  test('the whole balance may be bet', () => {
    const { next } = playRps(player({ balance: 30 }), 30, 'paper', 'scissors', 'cmd-rps-all1');
    assert.equal(next.balance, 0);
  });

  test('a bet above the balance is InsufficientFunds naming bet, even on a sure win', () => {
    assert.throws(
      () => playRps(player({ balance: 30 }), 31, 'rock', 'scissors', 'cmd-rps-over'),
      (error: unknown) => {
        assert.ok(error instanceof InsufficientFunds);
        assert.equal(error.code, 'INSUFFICIENT_FUNDS');
        assert.match(error.message, /^bet /);
        assert.equal(error.balance, 30);
        assert.equal(error.amount, 31);
        return true;
      },
    );
  });

  test('stats count played, won, wagered and paidOut per game', () => {
    let p = player({ balance: 1000, stats: { slot: { played: 9, won: 9, wagered: 9, paidOut: 9 } } });
    p = playRps(p, 10, 'rock', 'scissors', 'cmd-rps-st01').next; // win, pays 20
    p = playRps(p, 7, 'rock', 'rock', 'cmd-rps-st02').next; // draw, pays 7
    p = playRps(p, 3, 'rock', 'paper', 'cmd-rps-st03').next; // lose
    assert.deepEqual(p.stats[RPS_GAME], { played: 3, won: 1, wagered: 20, paidOut: 27 });
    assert.deepEqual(p.stats.slot, { played: 9, won: 9, wagered: 9, paidOut: 9 }, 'other games untouched');
    assert.equal(p.balance, 1000 - 20 + 27);
  });
});
