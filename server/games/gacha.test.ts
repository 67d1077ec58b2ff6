import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { outcomeFloats, seedHash } from '../../shared/fair.ts';
import { InsufficientFunds } from '../domain/errors.ts';
import { freshFairness } from '../domain/fairness.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import { gacha, GACHA_POOL, GACHA_PULL_COST, GACHA_RARITIES, GACHA_RARITY_WEIGHT, gachaPulls as pullsOfFloats, gachaRarity, isRareOrBetter, type Rarity } from './gacha.ts';
import { playGame } from './play.ts';
import { verifyProof } from './verify.ts';

const GACHA_GAME = gacha.id;

/** The items of `pulls` pulls at `nonce` of these seeds. */
function gachaPulls(serverSeed: string, clientSeed: string, nonce: number, pulls: number) {
  return pullsOfFloats(outcomeFloats(serverSeed, clientSeed, nonce, pulls * 2), pulls);
}

function pullGacha(p: Player, pulls: 1 | 10, id: string) {
  return playGame(gacha, p, { id, pulls }, 0);
}

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-gia', displayName: 'gia', wallet: { gold: 5_000 }, xp: 0, level: 1, stats: {}, inventory: { 'herb-pouch': 2 }, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('gacha-server-seed', 'gacha-client'), ...overrides };
}

describe('gacha odds and derivation', () => {
  test('the rarity table is per mille and sums to 1000: common 60%, uncommon 25%, rare 10%, epic 4%, legendary 1%', () => {
    assert.equal(GACHA_RARITIES.reduce((sum, [, w]) => sum + w, 0), GACHA_RARITY_WEIGHT);
    assert.equal(gachaRarity(0), 'common');
    assert.equal(gachaRarity(599), 'common');
    assert.equal(gachaRarity(600), 'uncommon');
    assert.equal(gachaRarity(850), 'rare');
    assert.equal(gachaRarity(950), 'epic');
    assert.equal(gachaRarity(990), 'legendary');
    assert.equal(gachaRarity(999), 'legendary');
    assert.throws(() => gachaRarity(1000), RangeError);
  });

  test('a single pull reads its rarity and item from the first two floats of the HMAC', () => {
    const mac = createHmac('sha256', 'seed-x').update('cs:4:0').digest();
    const [f, g] = [mac.readUInt32BE(0) / 2 ** 32, mac.readUInt32BE(4) / 2 ** 32];
    const rarity = gachaRarity(Math.floor(f * 1000));
    assert.deepEqual(gachaPulls('seed-x', 'cs', 4, 1), [{ rarity, itemId: GACHA_POOL[rarity][Math.floor(g * GACHA_POOL[rarity].length)] }]);
  });

  test('200,000 seeded single pulls land within 0.5 points of the documented odds', () => {
    const counts: Record<Rarity, number> = { common: 0, uncommon: 0, rare: 0, epic: 0, legendary: 0 };
    const n = 200_000;
    for (let nonce = 0; nonce < n; nonce++) counts[gachaPulls('odds-seed', 'c', nonce, 1)[0].rarity]++;
    for (const [rarity, weight] of GACHA_RARITIES) {
      assert.ok(Math.abs(counts[rarity] / n - weight / 1000) < 0.005, `${rarity}: ${counts[rarity] / n}`);
    }
  });

  test('every 10-pull holds at least one rare or better, and the guarantee only touches the tenth pull', () => {
    let upgraded = 0;
    for (let nonce = 0; nonce < 5_000; nonce++) {
      const ten = gachaPulls('ten-seed', 'c', nonce, 10);
      assert.equal(ten.length, 10);
      assert.ok(ten.some((i) => isRareOrBetter(i.rarity)), `nonce ${nonce}: ${JSON.stringify(ten)}`);
      // The first nine are exactly what nine free pulls would give.
      assert.deepEqual(ten.slice(0, 9), gachaPulls('ten-seed', 'c', nonce, 9));
      if (!ten.slice(0, 9).some((i) => isRareOrBetter(i.rarity))) upgraded++;
    }
    // P(nine pulls without a rare) = 0.85^9, about 23%: the guarantee really is exercised.
    assert.ok(upgraded > 900 && upgraded < 1400, `upgraded ${upgraded}`);
  });

  test('a real gacha result verifies; edited items or a wrong seed do not', () => {
    const items = gachaPulls('proof-seed', 'alice', 9, 10);
    const proof = { game: 'gacha', serverSeedHash: seedHash('proof-seed'), clientSeed: 'alice', nonce: 9, pulls: 10 };
    assert.equal(verifyProof(proof, 'proof-seed', { items }).ok, true);
    assert.deepEqual(verifyProof(proof, 'proof-seed').outcome, { items });
    const edited = items.map((item, i) => (i === 0 ? { itemId: 'crown-of-ages', rarity: 'legendary' } : item));
    if (items[0].itemId !== 'crown-of-ages') assert.equal(verifyProof(proof, 'proof-seed', { items: edited }).ok, false);
    assert.equal(verifyProof(proof, 'another-seed', { items }).ok, false);
    assert.equal(verifyProof({ ...proof, pulls: 3 }, 'proof-seed').ok, false);
  });
});

describe('gacha, played', () => {
  test('charges 100 per pull to the house, adds the items to the inventory and counts stats', () => {
    const before = player();
    const { next, transfers, events, result } = pullGacha(before, 10, 'cmd-gacha-1');
    assert.deepEqual(transfers, [{ from: 'u-gia', to: 'house', amount: 10 * GACHA_PULL_COST, currency: 'gold', reason: 'game.gacha', ref: 'cmd-gacha-1', commandId: 'cmd-gacha-1' }]);
    assert.equal(result.cost, 1_000);
    assert.equal(balanceOf(next, 'gold'), 4_000);
    assert.equal(result.balance, 4_000);
    assert.deepEqual(result.items, gachaPulls('gacha-server-seed', 'gacha-client', 0, 10));
    assert.deepEqual(result.proof, { game: 'gacha', serverSeedHash: seedHash('gacha-server-seed'), clientSeed: 'gacha-client', nonce: 0, pulls: 10 });
    assert.equal(next.fair.nonce, 1);
    const pulled = Object.values(next.inventory).reduce((a, b) => a + b, 0);
    assert.equal(pulled, 12, 'ten new items next to the two owned before');
    for (const item of result.items) assert.ok(next.inventory[item.itemId] >= 1);
    assert.deepEqual(next.stats[GACHA_GAME], { played: 10, won: result.items.filter((i) => isRareOrBetter(i.rarity)).length, wagered: 1_000, paidOut: 0 });
    assert.deepEqual(events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up']);
    assert.equal(next.xp, 100, 'wagers earn 1 XP per 10 gold');
  });

  test('cannot pull without the gold', () => {
    assert.throws(() => pullGacha(player({ wallet: { gold: 99 } }), 1, 'cmd-gacha-2'), InsufficientFunds);
    assert.throws(() => pullGacha(player({ wallet: { gold: 999 } }), 10, 'cmd-gacha-3'), /pulls of 1000 is more than your balance of 999/);
  });
});
