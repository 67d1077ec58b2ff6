// The slot as a module: the strip and the paytable are its params (economy.games.slot), the return
// to player is computed from them, a play is decided under the params of the version in force and
// its proof verifies under that version's params only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { outcomeFloats } from '../../shared/fair.ts';
import { defaultParams, defaultVersion, paramsIssues, refusalOf, under, versionWith } from '../../tests/support/gameEconomy.ts';
import { freshFairness } from '../domain/fairness.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import { playGame } from './play.ts';
import { reelWeight, slot, slotMultiplier, slotSymbol, type SlotParams, type SlotSymbol } from './slot.ts';
import { verifyProof } from './verify.ts';

const SLOT_GAME = slot.id;
const TODAY = defaultParams(slot);

function slotReels(params: SlotParams, serverSeed: string, clientSeed: string, nonce: number) {
  return slot.outcome((count) => outcomeFloats(serverSeed, clientSeed, nonce, count), { game: 'slot', serverSeedHash: '', clientSeed, nonce }, params).reels;
}

function playSlot(p: Player, bet: number, id: string, version = defaultVersion, currency = 'gold') {
  return playGame(slot, p, { id, bet, currency }, 0, under(slot, version));
}

function player(overrides: Partial<Player> = {}): Player {
  return { userId: 'u-sam', displayName: 'sam', wallet: { gold: 1_000 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('slot-server-seed', 'slot-client'), ...overrides };
}

/** The first nonce of the player's seeds at which `wanted` holds of the reels `params` give. */
function nonceWhere(params: SlotParams, wanted: (reels: SlotSymbol[], nonce: number) => boolean): number {
  for (let nonce = 0; nonce < 100_000; nonce++) if (wanted(slotReels(params, 'slot-server-seed', 'slot-client', nonce), nonce)) return nonce;
  throw new Error('no such nonce in 100,000');
}

describe('slot rules, from today’s params', () => {
  test('the reel strip is the params’ symbols in order, over the sum of their weights (64 today)', () => {
    assert.equal(reelWeight(TODAY.reel), 64);
    assert.equal(slotSymbol(TODAY.reel, 0), 'cherry');
    assert.equal(slotSymbol(TODAY.reel, 19.999 / 64), 'cherry');
    assert.equal(slotSymbol(TODAY.reel, 20 / 64), 'lemon');
    assert.equal(slotSymbol(TODAY.reel, 63.5 / 64), 'seven');
  });

  test('paytable: three of a kind, exactly two cherries, nothing else', () => {
    assert.equal(slotMultiplier(TODAY, ['seven', 'seven', 'seven']), 250);
    assert.equal(slotMultiplier(TODAY, ['cherry', 'cherry', 'cherry']), 5);
    assert.equal(slotMultiplier(TODAY, ['cherry', 'bar', 'cherry']), 2);
    assert.equal(slotMultiplier(TODAY, ['cherry', 'bar', 'lemon']), 0);
    assert.equal(slotMultiplier(TODAY, ['bell', 'bell', 'bar']), 0);
  });

  test('rtp(params) is the exact return over every stop: 0.94998 today, what counting all 64³ stops gives', () => {
    const stops = TODAY.reel.flatMap(({ symbol, weight }) => Array<string>(weight).fill(symbol));
    let paid = 0;
    for (const a of stops) for (const b of stops) for (const c of stops) paid += slotMultiplier(TODAY, [a, b, c]);
    assert.equal(slot.rtp(TODAY), paid / stops.length ** 3);
    assert.equal(slot.rtp(TODAY)!.toFixed(5), '0.94998');
  });

  test('rtp follows the params: doubling every multiple doubles it', () => {
    const doubled = { ...TODAY, threeOfAKind: Object.fromEntries(Object.entries(TODAY.threeOfAKind).map(([s, m]) => [s, 2 * m])), twoCherries: 2 * TODAY.twoCherries };
    assert.ok(Math.abs(slot.rtp(doubled)! - 2 * slot.rtp(TODAY)!) < 1e-12);
  });

  test('1,000,000 seeded spins through the real derivation return what rtp promises', () => {
    let paid = 0;
    const spins = 1_000_000;
    for (let nonce = 0; nonce < spins; nonce++) paid += slotMultiplier(TODAY, slotReels(TODAY, 'simulation-server-seed', 'simulation-client-seed', nonce));
    // Standard deviation of one spin's multiple is about 4.1, so 1M spins give about 0.004.
    assert.ok(Math.abs(paid / spins - slot.rtp(TODAY)!) < 0.02, `simulated rtp ${paid / spins}`);
  });
});

describe('slot params', () => {
  test('today’s section of economy/default.json is valid; a broken strip or paytable is refused naming the path', () => {
    assert.deepEqual(paramsIssues(slot, TODAY), []);
    const issues = (change: (p: SlotParams) => unknown) => paramsIssues(slot, change(structuredClone(TODAY))).join('\n');
    assert.match(issues((p) => ({ ...p, threeOfAKind: Object.fromEntries(Object.entries(p.threeOfAKind).filter(([s]) => s !== 'seven')) })), /threeOfAKind.seven: the reel's symbol seven needs its three-of-a-kind multiple/);
    assert.match(issues((p) => ({ ...p, threeOfAKind: { ...p.threeOfAKind, plum: 9 } })), /threeOfAKind.plum: plum is not a symbol of the reel/);
    assert.match(issues((p) => ({ ...p, reel: [...p.reel, { symbol: 'bar', weight: 1 }] })), /reel: each symbol must appear once/);
    assert.match(issues((p) => ({ ...p, reel: p.reel.map((s, i) => (i === 0 ? { ...s, weight: 0 } : s)) })), /reel.0.weight: weight must be a whole number of at least 1/);
    assert.match(issues((p) => ({ ...p, limits: {} })), /limits: limits must name at least one currency/);
    assert.match(issues((p) => ({ ...p, limits: { gold: { min: 10, max: 5 } } })), /limits.gold.min: min must not be above max/);
    assert.match(issues((p) => ({ ...p, limits: { gold: { min: 1, max: 2_000_000 } } })), /limits.gold.max: max must be a whole number between 1 and 1000000/);
    assert.match(issues((p) => ({ ...p, limits: { Gold: { min: 1, max: 5 } } })), /limits.Gold: Gold is not a currency id/);
    assert.match(issues((p) => ({ ...p, twoCherries: -1 })), /twoCherries: twoCherries must be a whole number of at least 0/);
  });

  test('a changed paytable changes the payout of the same reels', () => {
    const richer = versionWith(slot, 2, (p) => ({ ...p, twoCherries: 7 }));
    const nonce = nonceWhere(TODAY, (reels) => reels.filter((s) => s === 'cherry').length === 2);
    const me = player({ fair: { ...player().fair, nonce } });
    const before = playSlot(me, 10, 'cmd-slot-two1').result;
    const after = playSlot(me, 10, 'cmd-slot-two2', richer).result;
    assert.deepEqual(after.reels, before.reels, 'the strip did not change, so neither did the reels');
    assert.deepEqual([before.payout, after.payout], [20, 70]);
    assert.deepEqual([before.proof.economyVersion, after.proof.economyVersion], [1, 2]);
  });

  test('a changed strip changes the reels, and the proof verifies under its own version’s params only', () => {
    const reordered = versionWith(slot, 2, (p) => ({ ...p, reel: [...p.reel].reverse() }));
    const params = under(slot, reordered).params;
    const nonce = nonceWhere(TODAY, (reels, at) => JSON.stringify(reels) !== JSON.stringify(slotReels(params, 'slot-server-seed', 'slot-client', at)));
    const { result } = playSlot(player({ fair: { ...player().fair, nonce } }), 10, 'cmd-slot-ver1', reordered);
    assert.deepEqual(result.reels, slotReels(params, 'slot-server-seed', 'slot-client', nonce));
    assert.equal(verifyProof(result.proof, 'slot-server-seed', reordered, { reels: result.reels }).ok, true);
    const other = verifyProof(result.proof, 'slot-server-seed', defaultVersion, { reels: result.reels });
    assert.equal(other.ok, false);
    assert.match(other.reason, /decided under economy version 2, and these are the tables of version 1/);
    // Version 1's strip passed off as version 2's (a server rewriting its history) gives other reels.
    const rewritten = verifyProof(result.proof, 'slot-server-seed', { version: 2, economy: defaultVersion.economy }, { reels: result.reels });
    assert.equal(rewritten.ok, false);
    assert.match(rewritten.reason, /^the seeds give reels /);
  });

  test('a currency the params do not list is refused naming currency; a bet outside the limits naming bet, with the limits', () => {
    const narrow = versionWith(slot, 3, (p) => ({ ...p, limits: { gold: { min: 5, max: 50 } } }));
    assert.deepEqual(refusalOf(() => playSlot(player(), 10, 'cmd-slot-cur1', narrow, 'gems')), { code: 'INVALID_INPUT', reason: 'CURRENCY_NOT_ACCEPTED', message: 'currency gems is not accepted by slot; it accepts gold' });
    assert.deepEqual(refusalOf(() => playSlot(player(), 4, 'cmd-slot-lim1', narrow)), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 5 and 50 gold for slot, not 4' });
    assert.deepEqual(refusalOf(() => playSlot(player(), 51, 'cmd-slot-lim2', narrow)), { code: 'INVALID_INPUT', reason: 'BET_OUT_OF_LIMITS', message: 'bet must be between 5 and 50 gold for slot, not 51' });
    for (const bet of [5, 50]) assert.equal(playSlot(player(), bet, `cmd-slot-edge${bet}`, narrow).transfers[0].amount, bet);
    assert.equal(playSlot(player(), 51, 'cmd-slot-lim3').transfers[0].amount, 51, 'version 1 takes it');
  });
});

describe('slot, played', () => {
  test('bet to the house, payout back, stats, nonce and a verifiable proof naming the economy version', () => {
    const me = player();
    const { next, transfers, result } = playSlot(me, 10, 'cmd-slot-0001');
    const multiple = slotMultiplier(TODAY, result.reels);
    assert.equal(result.payout, 10 * multiple);
    assert.equal(result.currency, 'gold');
    assert.equal(balanceOf(next, 'gold'), 1_000 - 10 + result.payout);
    assert.equal(transfers[0].amount, 10);
    assert.equal(transfers.length, multiple > 0 ? 2 : 1);
    assert.deepEqual(next.stats[SLOT_GAME], { played: 1, won: multiple > 1 ? 1 : 0, wagered: 10, paidOut: result.payout });
    assert.equal(next.fair.nonce, 1);
    assert.equal(result.proof.economyVersion, 1);
    assert.equal(verifyProof(result.proof, 'slot-server-seed', defaultVersion, { reels: result.reels }).ok, true);
  });

  test('a bet above the balance is refused before any reel turns', () => {
    assert.throws(() => playSlot(player({ wallet: { gold: 5 } }), 6, 'cmd-slot-0002'), /INSUFFICIENT_FUNDS|bet/);
  });
});
