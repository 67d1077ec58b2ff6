import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { outcomeFloats } from '../../shared/fair.ts';
import { freshFairness } from '../domain/fairness.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import { playGame } from './play.ts';
import { slot, SLOT_REEL, SLOT_REEL_WEIGHT, slotMultiplier, slotSymbol } from './slot.ts';
import { verifyProof } from './verify.ts';

const SLOT_GAME = slot.id;

function slotReels(serverSeed: string, clientSeed: string, nonce: number) {
  return slot.outcome((count) => outcomeFloats(serverSeed, clientSeed, nonce, count), { game: 'slot', serverSeedHash: '', clientSeed, nonce }).reels;
}

function playSlot(p: Player, bet: number, id: string) {
  return playGame(slot, p, { id, bet }, 0);
}

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-sam', displayName: 'sam', wallet: { gold: 1_000 }, xp: 0, level: 1, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('slot-server-seed', 'slot-client'), ...overrides };
}

describe('slot rules', () => {
  test('the reel strip covers [0, 1) with weights summing to 64', () => {
    assert.equal(SLOT_REEL.reduce((sum, [, w]) => sum + w, 0), SLOT_REEL_WEIGHT);
    assert.equal(slotSymbol(0), 'cherry');
    assert.equal(slotSymbol(19.999 / 64), 'cherry');
    assert.equal(slotSymbol(20 / 64), 'lemon');
    assert.equal(slotSymbol(63.5 / 64), 'seven');
  });

  test('paytable: three of a kind, exactly two cherries, nothing else', () => {
    assert.equal(slotMultiplier(['seven', 'seven', 'seven']), 250);
    assert.equal(slotMultiplier(['cherry', 'cherry', 'cherry']), 5);
    assert.equal(slotMultiplier(['cherry', 'bar', 'cherry']), 2);
    assert.equal(slotMultiplier(['cherry', 'bar', 'lemon']), 0);
    assert.equal(slotMultiplier(['bell', 'bell', 'bar']), 0);
  });

  test('the exact return to player over every stop is between 0.92 and 0.97 (0.94998)', () => {
    const symbols = SLOT_REEL.flatMap(([s, w]) => Array<typeof s>(w).fill(s));
    let paid = 0;
    for (const a of symbols) for (const b of symbols) for (const c of symbols) paid += slotMultiplier([a, b, c]);
    const rtp = paid / symbols.length ** 3;
    assert.ok(rtp >= 0.92 && rtp <= 0.97, `rtp ${rtp}`);
    assert.equal(rtp.toFixed(5), '0.94998');
  });

  test('1,000,000 seeded spins through the real derivation return what the paytable promises', () => {
    let paid = 0;
    const spins = 1_000_000;
    for (let nonce = 0; nonce < spins; nonce++) paid += slotMultiplier(slotReels('simulation-server-seed', 'simulation-client-seed', nonce));
    const rtp = paid / spins;
    // Standard deviation of one spin's multiple is about 4.1, so 1M spins give about 0.004.
    assert.ok(Math.abs(rtp - 0.94998) < 0.02, `simulated rtp ${rtp}`);
    assert.ok(rtp >= 0.92 && rtp <= 0.97, `simulated rtp ${rtp}`);
  });
});

describe('slot, played', () => {
  test('bet to the house, payout back, stats, nonce and a verifiable proof', () => {
    const me = player();
    const { next, transfers, result } = playSlot(me, 10, 'cmd-slot-0001');
    const multiple = slotMultiplier(result.reels);
    assert.equal(result.payout, 10 * multiple);
    assert.equal(balanceOf(next, 'gold'), 1_000 - 10 + result.payout);
    assert.equal(transfers[0].amount, 10);
    assert.equal(transfers.length, multiple > 0 ? 2 : 1);
    assert.deepEqual(next.stats[SLOT_GAME], { played: 1, won: multiple > 1 ? 1 : 0, wagered: 10, paidOut: result.payout });
    assert.equal(next.fair.nonce, 1);
    assert.equal(verifyProof(result.proof, 'slot-server-seed', { reels: result.reels }).ok, true);
  });

  test('a bet above the balance is refused before any reel turns', () => {
    assert.throws(() => playSlot(player({ wallet: { gold: 5 } }), 6, 'cmd-slot-0002'), /INSUFFICIENT_FUNDS|bet/);
  });
});
