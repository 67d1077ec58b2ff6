// Rock-paper-scissors against the house as a pure rule: outcomes, payouts, ledger legs, stats; its
// params (bet limits per currency), its return to player, and its proofs under their economy version.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hand } from '../../shared/commandNames.ts';
import { EventType } from '../../shared/events.ts';
import { outcomeFloats, seedHash, type Proof } from '../../shared/fair.ts';
import { InsufficientFunds } from '../domain/errors.ts';
import { SystemAccount, netDelta, type Transfer } from '../domain/ledger.ts';
import { freshFairness } from '../domain/fairness.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import { playGame } from './play.ts';
import { RPS_PAYOUT, rps, rpsOutcome, type RpsOutcome } from './rps.ts';
import { verifyProof } from './verify.ts';
import { defaultVersion, paramsIssues, refusalOf, under, versionWith } from '../../tests/support/gameEconomy.ts';

const RPS_GAME = rps.id;
const PROOF: Proof = { game: 'rps', serverSeedHash: seedHash('server-seed'), clientSeed: 'client-seed', nonce: 0, economyVersion: 1 };
const TODAY = under(rps);

/** The decision once both hands are known. */
function settle(p: Player, bet: number, hand: Hand, serverHand: Hand, id: string, currency = 'gold', economy = TODAY) {
  return rps.decide({ player: p, command: { id, bet, hand, currency }, outcome: { serverHand }, proof: PROOF, now: 0, params: economy.params, economyVersion: economy.version, levelUp: economy.levelUp });
}

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-bob', displayName: 'bob', wallet: { gold: 100 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('server-seed', 'client-seed'), ...overrides };
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

});

describe('rps.decide', () => {
  for (const [hand, serverHand, outcome] of TABLE) {
    test(`${hand} vs ${serverHand}: legs, balance and result`, () => {
      const bet = 10;
      const payout = { win: 20, draw: 10, lose: 0 }[outcome];
      const { next, transfers, result } = settle(player(), bet, hand, serverHand, 'cmd-rps-0001');
      const expectedLegs: Transfer[] = [{ from: 'u-bob', to: SystemAccount.house, amount: bet, currency: 'gold', reason: 'game.rps.bet', ref: 'cmd-rps-0001', commandId: 'cmd-rps-0001' }];
      if (payout > 0) expectedLegs.push({ from: SystemAccount.house, to: 'u-bob', amount: payout, currency: 'gold', reason: 'game.rps.payout', ref: 'cmd-rps-0001', commandId: 'cmd-rps-0001' });
      assert.deepEqual(transfers, expectedLegs);
      assert.equal(netDelta('u-bob', 'gold', transfers), payout - bet);
      assert.equal(netDelta(SystemAccount.house, 'gold', transfers), bet - payout);
      assert.equal(balanceOf(next, 'gold'), 100 - bet + payout);
      assert.deepEqual(result, { serverHand, outcome, payout, currency: 'gold', balance: 100 - bet + payout, proof: PROOF });
    });
  }

  test('events: balance.changed with the net delta, only when the balance moved', () => {
    const balanceEvents = (d: ReturnType<typeof settle>) => d.events.filter((e) => e.type === EventType.balanceChanged);
    const win = settle(player(), 5, 'rock', 'scissors', 'cmd-rps-win1');
    assert.deepEqual(balanceEvents(win), [{ type: EventType.balanceChanged, data: { delta: 5, balance: 105, currency: 'gold', reason: 'game.rps', ref: 'cmd-rps-win1' } }]);
    const draw = settle(player(), 5, 'rock', 'rock', 'cmd-rps-drw1');
    assert.deepEqual(balanceEvents(draw), []);
    const lose = settle(player(), 5, 'rock', 'paper', 'cmd-rps-los1');
    assert.equal((lose.events[0].data as { delta: number }).delta, -5);
  });

  test('the whole balance may be bet', () => {
    const { next } = settle(player({ wallet: { gold: 30 } }), 30, 'paper', 'scissors', 'cmd-rps-all1');
    assert.equal(balanceOf(next, 'gold'), 0);
  });

  test('a bet above the balance is InsufficientFunds naming bet, even on a sure win', () => {
    assert.throws(
      () => settle(player({ wallet: { gold: 30 } }), 31, 'rock', 'scissors', 'cmd-rps-over'),
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
    let p = player({ wallet: { gold: 1000 }, stats: { slot: { played: 9, won: 9, wagered: 9, paidOut: 9 } } });
    p = settle(p, 10, 'rock', 'scissors', 'cmd-rps-st01').next; // win, pays 20
    p = settle(p, 7, 'rock', 'rock', 'cmd-rps-st02').next; // draw, pays 7
    p = settle(p, 3, 'rock', 'paper', 'cmd-rps-st03').next; // lose
    assert.deepEqual(p.stats[RPS_GAME], { played: 3, won: 1, wagered: 20, paidOut: 27 });
    assert.deepEqual(p.stats.slot, { played: 9, won: 9, wagered: 9, paidOut: 9 }, 'other games untouched');
    assert.equal(balanceOf(p, 'gold'), 1000 - 20 + 27);
  });
});

describe('rps, played (provably fair)', () => {
  test('the server hand comes from the seeds and nonce, the proof names them, and the nonce grows', () => {
    const fair = freshFairness('a-secret-server-seed', 'my-seed');
    const first = playGame(rps, player({ fair: { ...fair, nonce: 4 } }), { id: 'cmd-rps-fair', bet: 5, hand: 'rock', currency: 'gold' }, 0, TODAY);
    const floats = outcomeFloats('a-secret-server-seed', 'my-seed', 4, 1);
    assert.equal(first.result.serverHand, (['rock', 'paper', 'scissors'] as const)[Math.floor(floats[0] * 3)]);
    assert.deepEqual(first.result.proof, { game: RPS_GAME, serverSeedHash: seedHash('a-secret-server-seed'), clientSeed: 'my-seed', nonce: 4, economyVersion: 1 });
    assert.equal(first.next.fair.nonce, 5);
    assert.equal(verifyProof(first.result.proof!, 'a-secret-server-seed', defaultVersion, { serverHand: first.result.serverHand }).ok, true);
  });
});

describe('rps outcome and its proof', () => {
  const SEED = 'b9f3c1e2a4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f';
  const handAt = (nonce: number) => rps.outcome((count) => outcomeFloats(SEED, 'c', nonce, count), { ...PROOF, nonce }, TODAY.params).serverHand;

  test('hands are uniform over a fixed seed range', () => {
    const counts = { rock: 0, paper: 0, scissors: 0 };
    for (let nonce = 0; nonce < 30_000; nonce++) counts[handAt(nonce)]++;
    for (const n of Object.values(counts)) assert.ok(Math.abs(n - 10_000) < 400, JSON.stringify(counts));
  });

  test('a real result verifies; a tampered one, another seed or an unknown game do not', () => {
    const proof = { game: 'rps', serverSeedHash: seedHash(SEED), clientSeed: 'c', nonce: 3, economyVersion: 1 };
    const serverHand = handAt(3);
    assert.equal(verifyProof(proof, SEED, defaultVersion, { serverHand }).ok, true);
    const other = serverHand === 'rock' ? 'paper' : 'rock';
    assert.equal(verifyProof(proof, SEED, defaultVersion, { serverHand: other }).ok, false);
    assert.equal(verifyProof(proof, 'another seed', defaultVersion, { serverHand }).ok, false);
    assert.equal(verifyProof({ ...proof, game: 'poker' }, SEED, defaultVersion).ok, false);
    assert.equal(verifyProof(proof, SEED, defaultVersion, { reels: ['bar', 'bar', 'bar'] }).ok, false, 'a field rps outcomes do not have');
  });
});

describe('rps params', () => {
  test('its params are its bet limits per currency; its return to player is 1 whatever they are', () => {
    assert.deepEqual(TODAY.params, { limits: { gold: { min: 1, max: 1_000_000 } } });
    assert.deepEqual(paramsIssues(rps, TODAY.params), []);
    assert.match(paramsIssues(rps, { limits: { gold: { min: 1, max: 10 } }, edge: 1 }).join('\n'), /Unrecognized key/);
    assert.match(paramsIssues(rps, {}).join('\n'), /^limits: /);
    assert.equal(rps.rtp(TODAY.params), 1);
    // Exactly: over every hand and every server hand, the payouts average the stake.
    let paid = 0;
    for (const [hand, serverHand] of TABLE) paid += RPS_PAYOUT[rpsOutcome(hand, serverHand)];
    assert.equal(paid / TABLE.length, rps.rtp(TODAY.params));
  });

  test('a currency the params do not list is refused naming currency, before any money moves', () => {
    assert.deepEqual(refusalOf(() => settle(player(), 5, 'rock', 'scissors', 'cmd-rps-gem1', 'gems')), { code: 'INVALID_INPUT', reason: 'CURRENCY_NOT_ACCEPTED', message: 'currency gems is not accepted by rps; it accepts gold' });
  });

  test('a second currency in the params is played in its own wallet, ledger currency and stats', () => {
    const both = under(rps, versionWith(rps, 2, (p) => ({ limits: { ...p.limits, gems: { min: 2, max: 20 } } })));
    const me = player({ wallet: { gold: 100, gems: 30 }, stats: { rps: { played: 1, won: 0, wagered: 9, paidOut: 0 } } });
    const { next, transfers, result, events } = settle(me, 10, 'rock', 'scissors', 'cmd-rps-gem2', 'gems', both);
    assert.deepEqual(transfers.map((t) => [t.from, t.to, t.amount, t.currency]), [['u-bob', SystemAccount.house, 10, 'gems'], [SystemAccount.house, 'u-bob', 20, 'gems']]);
    assert.deepEqual(next.wallet, { gold: 100, gems: 40 });
    assert.deepEqual([result.currency, result.balance], ['gems', 40]);
    assert.deepEqual(events[0], { type: EventType.balanceChanged, data: { delta: 10, balance: 40, currency: 'gems', reason: 'game.rps', ref: 'cmd-rps-gem2' } });
    assert.deepEqual(next.stats, { rps: { played: 1, won: 0, wagered: 9, paidOut: 0 }, 'rps:gems': { played: 1, won: 1, wagered: 10, paidOut: 20 } }, 'gold stays under rps, gems count apart');
    assert.deepEqual(refusalOf(() => settle(me, 21, 'rock', 'scissors', 'cmd-rps-gem3', 'gems', both)), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 2 and 20 gems for rps, not 21' });
    assert.throws(() => settle(player({ wallet: { gold: 100, gems: 3 } }), 5, 'rock', 'scissors', 'cmd-rps-gem4', 'gems', both), (e: unknown) => e instanceof InsufficientFunds && /^bet of 5 is more than your gems balance of 3/.test(e.message), 'gold does not cover a gems stake');
  });

  test('a bet outside the limits of the version in force is refused naming bet, with the limits', () => {
    const narrow = under(rps, versionWith(rps, 2, () => ({ limits: { gold: { min: 5, max: 50 } } })));
    assert.deepEqual(refusalOf(() => settle(player(), 4, 'rock', 'rock', 'cmd-rps-lim1', 'gold', narrow)), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 5 and 50 gold for rps, not 4' });
    assert.deepEqual(refusalOf(() => settle(player(), 51, 'rock', 'rock', 'cmd-rps-lim2', 'gold', narrow)), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 5 and 50 gold for rps, not 51' });
    assert.equal(settle(player(), 50, 'rock', 'rock', 'cmd-rps-lim3', 'gold', narrow).result.payout, 50);
    assert.equal(settle(player(), 51, 'rock', 'rock', 'cmd-rps-lim4').result.payout, 51, 'version 1 takes it');
  });

  test('a proof verifies under its own version only: the params do not change the hand, the version check does', () => {
    const v2 = versionWith(rps, 2, () => ({ limits: { gold: { min: 5, max: 50 } } }));
    const { result } = playGame(rps, player(), { id: 'cmd-rps-ver1', bet: 5, hand: 'rock', currency: 'gold' }, 0, under(rps, v2));
    assert.equal(result.proof!.economyVersion, 2);
    assert.equal(verifyProof(result.proof!, 'server-seed', v2, { serverHand: result.serverHand }).ok, true);
    const other = verifyProof(result.proof!, 'server-seed', defaultVersion, { serverHand: result.serverHand });
    assert.equal(other.ok, false);
    assert.match(other.reason, /decided under economy version 2/);
  });
});
