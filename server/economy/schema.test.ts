// The economy document's validation: the default file passes; every problem of a bad document is
// named by its JSON path in one pass (shape and cross-references together); rates that would let
// the house mint money are refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Economy } from '../../shared/economy.ts';
import { defaultEconomy } from './defaultEconomy.ts';
import { validateEconomy } from './schema.ts';

function edited(edit: (document: any) => void): unknown {
  const document = structuredClone(defaultEconomy) as any;
  edit(document);
  return document;
}

function problems(document: unknown): Record<string, string> {
  const validation = validateEconomy(document);
  assert.equal(validation.ok, false, 'the document should be refused');
  return Object.fromEntries(validation.ok ? [] : validation.problems.map((p) => [p.path, p.message]));
}

describe('economy schema', () => {
  test('the default document is valid, and `$schema` is accepted and left out of the economy', () => {
    const validation = validateEconomy({ $schema: './economy.schema.json', ...defaultEconomy });
    assert.equal(validation.ok, true);
    assert.deepEqual(validation.ok && validation.economy, defaultEconomy);
  });

  test('left-out optional fields take their defaults', () => {
    const validation = validateEconomy(
      edited((d) => {
        delete d.exchange;
        delete d.rewards.levelUp;
        d.shop['health-potion'] = { name: 'Health potion', price: { currency: 'gold', amount: 50 }, grants: { items: { 'health-potion': 1 } } };
      }),
    );
    assert.ok(validation.ok);
    const economy: Economy = validation.economy;
    assert.deepEqual(economy.exchange, []);
    assert.deepEqual(economy.rewards.levelUp, []);
    assert.deepEqual(economy.shop['health-potion'], defaultEconomy.shop['health-potion']);
  });

  test('every problem is named by its path, the shape and the references in one pass', () => {
    const found = problems(
      edited((d) => {
        d.currencies.gems = { name: 'Gems', premium: true };
        d.shop['lucky-charm'].price.currency = 'rubies';
        d.shop['lucky-charm'].grants = {};
        d.shop['Bad Id'] = d.shop['mana-potion'];
        d.shop['mana-potion'].price.amount = 2.5;
        d.shop['mana-potion'].colour = 'blue';
        d.shop['golden-crown'].startsAt = '2026-02-01T00:00:00Z';
        d.shop['golden-crown'].endsAt = '2026-01-01T00:00:00Z';
        d.exchange = [{ from: 'gold', to: 'gold', give: 1, get: 1 }, { from: 'gold', to: 'gems', give: 0, get: 1 }, { from: 'gems', to: 'silver', give: 1, get: 1 }];
        d.rewards.streak.days = [];
        d.rewards.levelUp = [{ level: 5, grants: { currencies: { gold: 10 } } }, { level: 5, grants: { currencies: { rubies: 1 } } }];
        delete d.rewards.bounty.amount;
        d.crash.limits = { gold: { min: 10, max: 5 } };
        d.games.poker = {};
        d.games.slot.limits.rubies = { min: 1, max: 2 };
        d.games.gacha.pullPrice.rubies = 3;
      }),
    );
    assert.deepEqual(Object.keys(found).sort(), [
      'crash.limits.gold.min',
      'exchange.0.to',
      'exchange.1.give',
      'exchange.2.to',
      'games.gacha.pullPrice.rubies',
      'games.poker',
      'games.slot.limits.rubies',
      'rewards.bounty.amount',
      'rewards.levelUp.1.grants.currencies.rubies',
      'rewards.levelUp.1.level',
      'rewards.streak.days',
      'shop.Bad Id',
      'shop.golden-crown.endsAt',
      'shop.lucky-charm.grants',
      'shop.lucky-charm.price.currency',
      'shop.mana-potion.colour',
      'shop.mana-potion.price.amount',
    ]);
    assert.match(found['shop.lucky-charm.price.currency']!, /"rubies" is not a currency.*gems, gold/);
    assert.equal(found['rewards.bounty.amount'], 'is missing');
    assert.equal(found['shop.mana-potion.colour'], 'unknown field');
    assert.match(found['games.poker']!, /no installed game/);
  });

  test('amounts are positive safe integers', () => {
    for (const amount of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, '5', null]) {
      const found = problems(edited((d) => (d.shop['health-potion'].price.amount = amount)));
      assert.deepEqual(Object.keys(found), ['shop.health-potion.price.amount'], `amount ${String(amount)}`);
    }
  });

  test('gold must stay: protocol-1 clients read its balance', () => {
    const found = problems(edited((d) => (d.currencies = { gems: { name: 'Gems', premium: true } })));
    assert.match(found['currencies']!, /must define "gold"/);
  });

  test('not a document at all', () => {
    assert.deepEqual(Object.keys(problems(null)), ['']);
    assert.deepEqual(Object.keys(problems([])), ['']);
  });
});

describe('exchange loops', () => {
  const rate = (from: string, to: string, give: number, get: number) => ({ from, to, give, get });
  const withRates = (rates: unknown[]) =>
    edited((d) => {
      d.currencies.gems = { name: 'Gems', premium: true };
      d.currencies.silver = { name: 'Silver', premium: false };
      d.exchange = rates;
    });

  test('a loop whose rates multiply to more than 1 is refused, naming its currencies', () => {
    const found = problems(withRates([rate('gold', 'gems', 100, 1), rate('gems', 'silver', 1, 10), rate('silver', 'gold', 1, 11)]));
    assert.match(found['exchange']!, /exchanging in circles through .*gems.*returns more than it costs/);
    assert.match(found['exchange']!, /gold/);
    assert.match(found['exchange']!, /silver/);
    assert.deepEqual(Object.keys(found), ['exchange']);
  });

  test('rates that lose or break even around every loop pass', () => {
    assert.ok(validateEconomy(withRates([rate('gold', 'gems', 100, 1), rate('gems', 'gold', 1, 100)])).ok);
    assert.ok(validateEconomy(withRates([rate('gold', 'gems', 100, 1), rate('gems', 'gold', 1, 90), rate('gold', 'silver', 1, 1)])).ok);
  });

  test('a minting loop of two rates is refused', () => {
    const found = problems(withRates([rate('gold', 'gems', 100, 1), rate('gems', 'gold', 1, 101)]));
    assert.match(found['exchange']!, /returns more than it costs/);
  });
});
