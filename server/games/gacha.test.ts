// The gacha as a module: its odds, pools, price and guarantee are its params (economy.games.gacha);
// a pull is decided under the version in force, and its proof verifies under that version only.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { outcomeFloats, seedHash } from '../../shared/fair.ts';
import { defaultVersion, paramsIssues, refusalOf, under, versionWith } from '../../tests/support/gameEconomy.ts';
import { InsufficientFunds } from '../domain/errors.ts';
import { freshFairness } from '../domain/fairness.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import { gacha, gachaPulls as pullsOfFloats, gachaRarity, isGuaranteedRarity, type GachaParams } from './gacha.ts';
import { playGame } from './play.ts';
import { verifyProof } from './verify.ts';

const GACHA_GAME = gacha.id;
const TODAY = under(gacha);
const PARAMS = TODAY.params;

/** The items of `pulls` pulls at `nonce` of these seeds, under `params`. */
function gachaPulls(serverSeed: string, clientSeed: string, nonce: number, pulls: number, params: GachaParams = PARAMS) {
  return pullsOfFloats(params, outcomeFloats(serverSeed, clientSeed, nonce, pulls * 2), pulls);
}

function pullGacha(p: Player, pulls: 1 | 10, id: string, economy = TODAY, currency = 'gold') {
  return playGame(gacha, p, { id, pulls, currency }, 0, economy);
}

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-gia', displayName: 'gia', wallet: { gold: 5_000 }, xp: 0, level: 1, stats: {}, inventory: { 'herb-pouch': 2 }, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('gacha-server-seed', 'gacha-client'), ...overrides };
}

const rarityAt = (position: number) => gachaRarity(PARAMS.rarities, position).rarity;
const isRareOrBetter = (rarity: string) => isGuaranteedRarity(PARAMS, rarity);

describe('gacha odds and derivation, from today’s params', () => {
  test('the rarities’ weights sum to 1000: common 60%, uncommon 25%, rare 10%, epic 4%, legendary 1%', () => {
    assert.deepEqual(PARAMS.rarities.map((r) => [r.rarity, r.weight]), [['common', 600], ['uncommon', 250], ['rare', 100], ['epic', 40], ['legendary', 10]]);
    assert.deepEqual([PARAMS.guaranteedFrom, PARAMS.guaranteedPulls, PARAMS.pullPrice], ['rare', 10, { gold: 100 }]);
    assert.equal(rarityAt(0), 'common');
    assert.equal(rarityAt(599), 'common');
    assert.equal(rarityAt(600), 'uncommon');
    assert.equal(rarityAt(850), 'rare');
    assert.equal(rarityAt(950), 'epic');
    assert.equal(rarityAt(990), 'legendary');
    assert.equal(rarityAt(999), 'legendary');
    assert.throws(() => rarityAt(1000), RangeError);
    assert.equal(gacha.rtp(PARAMS), undefined, 'it pays items: no return to player');
  });

  test('a single pull reads its rarity and item from the first two floats of the HMAC', () => {
    const mac = createHmac('sha256', 'seed-x').update('cs:4:0').digest();
    const [f, g] = [mac.readUInt32BE(0) / 2 ** 32, mac.readUInt32BE(4) / 2 ** 32];
    const rarity = gachaRarity(PARAMS.rarities, Math.floor(f * 1000));
    assert.deepEqual(gachaPulls('seed-x', 'cs', 4, 1), [{ rarity: rarity.rarity, itemId: rarity.items[Math.floor(g * rarity.items.length)] }]);
  });

  test('200,000 seeded single pulls land within 0.5 points of the documented odds', () => {
    const counts: Record<string, number> = {};
    const n = 200_000;
    for (let nonce = 0; nonce < n; nonce++) {
      const [{ rarity }] = gachaPulls('odds-seed', 'c', nonce, 1);
      counts[rarity] = (counts[rarity] ?? 0) + 1;
    }
    for (const { rarity, weight } of PARAMS.rarities) assert.ok(Math.abs(counts[rarity] / n - weight / 1000) < 0.005, `${rarity}: ${counts[rarity] / n}`);
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

  test('a real gacha result verifies under its version; edited items or a wrong seed do not', () => {
    const items = gachaPulls('proof-seed', 'alice', 9, 10);
    const proof = { game: 'gacha', serverSeedHash: seedHash('proof-seed'), clientSeed: 'alice', nonce: 9, economyVersion: 1, pulls: 10 };
    assert.equal(verifyProof(proof, 'proof-seed', defaultVersion, { items }).ok, true);
    assert.deepEqual(verifyProof(proof, 'proof-seed', defaultVersion).outcome, { items });
    const edited = items.map((item, i) => (i === 0 ? { itemId: 'crown-of-ages', rarity: 'legendary' } : item));
    if (items[0].itemId !== 'crown-of-ages') assert.equal(verifyProof(proof, 'proof-seed', defaultVersion, { items: edited }).ok, false);
    assert.equal(verifyProof(proof, 'another-seed', defaultVersion, { items }).ok, false);
    assert.equal(verifyProof({ ...proof, pulls: 3 }, 'proof-seed', defaultVersion).ok, false);
  });

  test('a proof from before economy versions (no economyVersion) verifies under the default document', () => {
    const items = gachaPulls('proof-seed', 'alice', 9, 1);
    const old = { game: 'gacha', serverSeedHash: seedHash('proof-seed'), clientSeed: 'alice', nonce: 9, pulls: 1 };
    assert.equal(verifyProof(old, 'proof-seed', { version: 0, economy: defaultVersion.economy }, { items }).ok, true);
  });
});

describe('gacha params', () => {
  test('today’s section is valid; broken odds, pools, prices or guarantee are refused naming the path', () => {
    assert.deepEqual(paramsIssues(gacha, PARAMS), []);
    const issues = (change: (p: GachaParams) => unknown) => paramsIssues(gacha, change(structuredClone(PARAMS))).join('\n');
    assert.match(issues((p) => ({ ...p, guaranteedFrom: 'mythic' })), /^guaranteedFrom: guaranteedFrom must be one of the rarities$/);
    assert.match(issues((p) => ({ ...p, guaranteedPulls: 11 })), /^guaranteedPulls: guaranteedPulls must be a whole number from 1 to 10$/);
    assert.match(issues((p) => ({ ...p, rarities: [...p.rarities, p.rarities[0]] })), /^rarities: each rarity must appear once$/);
    assert.match(issues((p) => ({ ...p, rarities: p.rarities.map((r, i) => (i === 1 ? { ...r, items: [] } : r)) })), /^rarities.1.items: a rarity needs at least one item$/);
    assert.match(issues((p) => ({ ...p, rarities: p.rarities.map((r, i) => (i === 2 ? { ...r, weight: 1.5 } : r)) })), /^rarities.2.weight: weight must be a whole number of at least 1$/);
    assert.match(issues((p) => ({ ...p, pullPrice: {} })), /^pullPrice: pullPrice must name at least one currency$/);
    assert.match(issues((p) => ({ ...p, pullPrice: { gold: 0 } })), /^pullPrice.gold: an amount must be a whole number from 1 to 1000000000$/);
  });

  test('changed odds and pools change the items the same seeds pull, and the proof verifies under its version only', () => {
    // Version 2: one rarity, one item; the guarantee from it always holds.
    const v2 = versionWith(gacha, 2, (p) => ({ ...p, rarities: [{ rarity: 'mythic', weight: 1, items: ['star-shard'] }], guaranteedFrom: 'mythic' }));
    const { result } = pullGacha(player(), 10, 'cmd-gacha-v2', under(gacha, v2));
    assert.deepEqual(result.items, Array(10).fill({ itemId: 'star-shard', rarity: 'mythic' }));
    assert.equal(result.proof.economyVersion, 2);
    assert.equal(verifyProof(result.proof, 'gacha-server-seed', v2, { items: result.items }).ok, true);
    assert.match(verifyProof(result.proof, 'gacha-server-seed', defaultVersion, { items: result.items }).reason, /decided under economy version 2/);
    // Version 1's tables passed off as version 2's give other items.
    const rewritten = verifyProof(result.proof, 'gacha-server-seed', { version: 2, economy: defaultVersion.economy }, { items: result.items });
    assert.equal(rewritten.ok, false);
    assert.match(rewritten.reason, /^the seeds give items /);
  });

  test('the guarantee follows its params: every 5th pull of a 10-pull when guaranteedPulls is 5, from epic up', () => {
    const params = under(gacha, versionWith(gacha, 2, (p) => ({ ...p, guaranteedFrom: 'epic', guaranteedPulls: 5 }))).params;
    let upgraded = 0;
    for (let nonce = 0; nonce < 2_000; nonce++) {
      const ten = gachaPulls('five-seed', 'c', nonce, 10, params);
      const plain = gachaPulls('five-seed', 'c', nonce, 10, { ...params, guaranteedPulls: 10, guaranteedFrom: 'common' });
      for (const window of [ten.slice(0, 5), ten.slice(5, 10)]) assert.ok(window.some((i) => isGuaranteedRarity(params, i.rarity)), `nonce ${nonce}`);
      // Only the 5th and 10th pulls may differ from the unguaranteed draw.
      ten.forEach((item, i) => (i === 4 || i === 9 ? undefined : assert.deepEqual(item, plain[i])));
      if (JSON.stringify(ten) !== JSON.stringify(plain)) upgraded++;
    }
    assert.ok(upgraded > 1_500, `upgraded ${upgraded}: without the guarantee, four pulls without epic or better are likely`);
  });

  test('the price is per currency: a listed currency pays its own price, another is refused naming currency', () => {
    const gems = under(gacha, versionWith(gacha, 3, (p) => ({ ...p, pullPrice: { gold: 120, gems: 3 } })));
    const me = player({ wallet: { gold: 5_000, gems: 40 } });
    const inGems = pullGacha(me, 10, 'cmd-gacha-gem1', gems, 'gems');
    assert.deepEqual(inGems.transfers, [{ from: 'u-gia', to: 'house', amount: 30, currency: 'gems', reason: 'game.gacha', ref: 'cmd-gacha-gem1', commandId: 'cmd-gacha-gem1' }]);
    assert.deepEqual([inGems.result.cost, inGems.result.currency, inGems.result.balance], [30, 'gems', 10]);
    assert.deepEqual(inGems.next.stats['gacha:gems']?.wagered, 30);
    assert.equal(pullGacha(me, 1, 'cmd-gacha-gold1', gems).result.cost, 120, 'the new gold price');
    assert.deepEqual(refusalOf(() => pullGacha(me, 1, 'cmd-gacha-gem2', TODAY, 'gems')), { code: 'INVALID_INPUT', reason: 'CURRENCY_NOT_ACCEPTED', message: 'currency gems is not accepted by gacha; it accepts gold' });
    assert.throws(() => pullGacha(player({ wallet: { gold: 5_000, gems: 29 } }), 10, 'cmd-gacha-gem3', gems, 'gems'), /pulls of 30 is more than your gems balance of 29/);
  });
});

describe('gacha, played', () => {
  test('charges 100 per pull to the house, adds the items to the inventory and counts stats', () => {
    const before = player();
    const { next, transfers, events, result } = pullGacha(before, 10, 'cmd-gacha-1');
    assert.deepEqual(transfers, [{ from: 'u-gia', to: 'house', amount: 1_000, currency: 'gold', reason: 'game.gacha', ref: 'cmd-gacha-1', commandId: 'cmd-gacha-1' }]);
    assert.equal(result.cost, 1_000);
    assert.equal(balanceOf(next, 'gold'), 4_000);
    assert.equal(result.balance, 4_000);
    assert.deepEqual(result.items, gachaPulls('gacha-server-seed', 'gacha-client', 0, 10));
    assert.deepEqual(result.proof, { game: 'gacha', serverSeedHash: seedHash('gacha-server-seed'), clientSeed: 'gacha-client', nonce: 0, economyVersion: 1, pulls: 10 });
    assert.equal(next.fair.nonce, 1);
    const pulled = Object.values(next.inventory).reduce((a, b) => a + b, 0);
    assert.equal(pulled, 12, 'ten new items next to the two owned before');
    for (const item of result.items) assert.ok(next.inventory[item.itemId] >= 1);
    assert.deepEqual(next.stats[GACHA_GAME], { played: 10, won: result.items.filter((i) => isRareOrBetter(i.rarity)).length, wagered: 1_000, paidOut: 0 });
    assert.deepEqual(events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up']);
    assert.equal(next.xp, 100, 'wagers earn 1 XP per 10 gold');
  });

  test('a pull that reaches a level pays the level-up reward of the version in force', () => {
    const rewarded = { ...TODAY, levelUp: [{ level: 2, grants: { currencies: { gold: 250 }, items: { 'iron-helm': 1 } } }] };
    const { next, transfers, events } = pullGacha(player(), 10, 'cmd-gacha-lvl', rewarded);
    assert.equal(next.level, 2);
    assert.deepEqual(transfers.map((t) => [t.from, t.to, t.amount, t.reason, t.ref]), [['u-gia', 'house', 1_000, 'game.gacha', 'cmd-gacha-lvl'], ['mint', 'u-gia', 250, 'level.up', 'level:2']]);
    assert.equal(balanceOf(next, 'gold'), 4_250);
    assert.ok(next.inventory['iron-helm'] >= 1);
    assert.deepEqual(events.map((e) => e.type), ['balance.changed', 'reward.granted', 'xp.changed', 'level.up', 'balance.changed', 'reward.granted']);
  });

  test('cannot pull without the gold', () => {
    assert.throws(() => pullGacha(player({ wallet: { gold: 99 } }), 1, 'cmd-gacha-2'), InsufficientFunds);
    assert.throws(() => pullGacha(player({ wallet: { gold: 999 } }), 10, 'cmd-gacha-3'), /pulls of 1000 is more than your balance of 999/);
  });
});
