import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Economy, ExchangeRate } from '../../shared/economy.ts';
import { seededRandom } from '../../tests/support/seededRandom.ts';
import { withGems } from '../../tests/support/economies.ts';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { DomainError, InsufficientFunds } from './errors.ts';
import { exchange, exchanged, profitableLoops } from './exchange.ts';
import { freshFairness } from './fairness.ts';
import { netDelta } from './ledger.ts';
import type { Player } from './player.ts';

const player = (wallet: Record<string, number>): Player => ({ userId: 'u-eve', displayName: 'eve', wallet, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') });
const economy = withGems();
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}/${error.reason ?? '-'}: ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('wallet.exchange', () => {
  test('spends `amount` of `from` to the house and gets floor(amount × get / give) of `to` back from it', () => {
    const { next, transfers, events, result } = exchange(player({ gold: 1_000 }), economy, 7, { id: 'x-1', from: 'gold', to: 'gems', amount: 250 });
    assert.deepEqual(
      transfers.map((t) => [t.from, t.to, t.amount, t.currency, t.reason, t.commandId]),
      [['u-eve', 'house', 250, 'gold', 'wallet.exchange', 'x-1'], ['house', 'u-eve', 2, 'gems', 'wallet.exchange', 'x-1']],
    );
    assert.deepEqual(next.wallet, { gold: 750, gems: 2 });
    assert.deepEqual(result, { from: 'gold', to: 'gems', spent: 250, received: 2, balances: { gold: 750, gems: 2 }, economyVersion: 7 });
    assert.deepEqual(events.map((e) => e.data), [
      { delta: -250, balance: 750, currency: 'gold', reason: 'wallet.exchange', ref: 'x-1' },
      { delta: 2, balance: 2, currency: 'gems', reason: 'wallet.exchange', ref: 'x-1' },
    ]);
    // Through the house: in each currency the two sides of every transfer cancel out.
    for (const currency of ['gold', 'gems']) assert.equal(netDelta('u-eve', currency, transfers) + netDelta('house', currency, transfers), 0);
  });

  test('refusals: no rate, an unknown currency (naming the field), too small to buy one, short of funds', () => {
    const oneWay: Economy = { ...economy, exchange: economy.exchange.filter((r) => r.from === 'gold') };
    assert.equal(refusal(() => exchange(player({ gems: 5 }), oneWay, 1, { id: 'x-2', from: 'gems', to: 'gold', amount: 1 })), 'CONFLICT/NO_RATE: no exchange rate from gems to gold is published');
    assert.equal(refusal(() => exchange(player({ gold: 500 }), defaultEconomy, 1, { id: 'x-3', from: 'gold', to: 'gems', amount: 100 })), 'INVALID_INPUT/UNKNOWN_CURRENCY: to gems is not a currency of the economy');
    assert.equal(refusal(() => exchange(player({ gold: 500 }), economy, 1, { id: 'x-4', from: 'rubies', to: 'gold', amount: 1 })), 'INVALID_INPUT/UNKNOWN_CURRENCY: from rubies is not a currency of the economy');
    assert.equal(
      refusal(() => exchange(player({ gold: 500 }), economy, 1, { id: 'x-5', from: 'gold', to: 'gems', amount: 99 })),
      'INVALID_INPUT/EXCHANGE_TOO_SMALL: amount 99 of gold buys less than 1 gems at 100 gold for 1 gems; exchange at least 100',
    );
    assert.throws(
      () => exchange(player({ gold: 99, gems: 50 }), economy, 1, { id: 'x-6', from: 'gold', to: 'gems', amount: 100 }),
      (error) => error instanceof InsufficientFunds && error.currency === 'gold' && error.message === 'amount of 100 is more than your balance of 99',
    );
  });

  test('what an amount buys is exact for any whole rate: no float rounding up', () => {
    assert.equal(exchanged(3, { give: 10, get: 33 }), 9);
    assert.equal(exchanged(1_000_000_000, { give: 3, get: 1_000_000 }), 333_333_333_333_333);
    assert.equal(exchanged(10, { give: 10, get: 1 }), 1);
  });
});

describe('exchange loops', () => {
  test('round trips at the published rates never end with more than they started (rounding down, the house spread)', () => {
    let p = player({ gold: 10_000 });
    for (let i = 0; i < 50; i++) {
      const gems = exchange(p, economy, 1, { id: `g-${i}`, from: 'gold', to: 'gems', amount: p.wallet.gold }).next;
      p = exchange(gems, economy, 1, { id: `b-${i}`, from: 'gems', to: 'gold', amount: gems.wallet.gems }).next;
      assert.ok(p.wallet.gold <= 10_000);
      if (p.wallet.gold < 100) break;
    }
    assert.ok(p.wallet.gold < 10_000, `the loop lost money (${p.wallet.gold} gold left)`);
  });

  test('with rates no better than the currencies\' prices, no sequence of exchanges grows the wallet\'s worth (seeded)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const currencies = ['gold', 'gems', 'shards', 'tokens'];
      // Each currency's worth in a common unit; a rate a -> b gives at most price(a)/price(b).
      const price = Object.fromEntries(currencies.map((c) => [c, 1 + pick(200)]));
      const rates: ExchangeRate[] = [];
      for (const from of currencies) {
        for (const to of currencies) {
          if (from === to || random() < 0.3) continue;
          const spread = 1 + pick(5); // the house keeps 0-4 in every price(to) * spread units
          rates.push({ from, to, give: price[to] * spread, get: Math.max(1, price[from] * spread - pick(5)) });
        }
      }
      assert.deepEqual(profitableLoops(rates), [], `seed ${seed}: consistent rates have no profitable loop`);
      const rateEconomy: Economy = { ...economy, currencies: Object.fromEntries(currencies.map((c) => [c, { name: c, premium: false }])), exchange: rates };
      let p = player(Object.fromEntries(currencies.map((c) => [c, pick(100_000)])));
      const worth = (q: Player) => currencies.reduce((sum, c) => sum + (q.wallet[c] ?? 0) * price[c], 0);
      const start = worth(p);
      for (let step = 0; step < 200; step++) {
        const rate = rates[pick(rates.length)];
        const have = p.wallet[rate.from] ?? 0;
        if (have === 0) continue;
        const amount = 1 + pick(have);
        try {
          p = exchange(p, rateEconomy, 1, { id: `s-${step}`, from: rate.from, to: rate.to, amount }).next;
        } catch (error) {
          // Too small to buy one unit: refused, nothing moved.
          assert.ok(error instanceof DomainError && error.reason === 'EXCHANGE_TOO_SMALL', String(error));
        }
        assert.ok(worth(p) <= start, `seed ${seed}, step ${step}: worth ${worth(p)} > ${start}`);
      }
    }
  });

  test('profitableLoops finds the currencies on a loop whose rates multiply to more than 1', () => {
    assert.deepEqual(profitableLoops(economy.exchange), []);
    assert.deepEqual(profitableLoops([{ from: 'gold', to: 'gems', give: 100, get: 1 }, { from: 'gems', to: 'gold', give: 1, get: 100 }]), [], 'exactly 1 around: rounding down keeps it from gaining');
    assert.deepEqual(profitableLoops([{ from: 'gold', to: 'gems', give: 100, get: 1 }, { from: 'gems', to: 'gold', give: 1, get: 101 }]).sort(), ['gems', 'gold']);
    const triangle: ExchangeRate[] = [
      { from: 'gold', to: 'gems', give: 100, get: 1 },
      { from: 'gems', to: 'shards', give: 1, get: 11 },
      { from: 'shards', to: 'gold', give: 1, get: 10 },
    ];
    assert.deepEqual(profitableLoops(triangle).sort(), ['gems', 'gold', 'shards'], '100 gold -> 1 gem -> 11 shards -> 110 gold');
  });
});
