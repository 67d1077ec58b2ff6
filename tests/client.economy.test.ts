// The browser client's economy rules, without a browser: the currencies a game accepts, the wallet's
// currencies in the header, the exchange quote, the editor's JSON errors and path-to-line mapping,
// and the path-wise diff shown before publishing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { economyChanges } from '../client/src/admin/economyDiff.ts';
import { linesOfPaths, parseJson } from '../client/src/admin/jsonText.ts';
import { acceptedCurrencies, gameCurrencies } from '../client/src/games/currencies.ts';
import { pickRate, received } from '../client/src/screens/exchangeRates.ts';
import { economy, walletCurrencies } from '../client/src/state/economy.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { withGems as gemsEconomy } from './support/economies.ts';
import type { Economy } from '../shared/economy.ts';

/** The support's gems economy (tests/support/economies.ts), as a copy a test may change, with dice taking gems. */
function withGems(): Economy {
  const next = structuredClone(gemsEconomy());
  (next.games.dice as { limits: Record<string, unknown> }).limits.gems = { min: 1, max: 100 };
  return next;
}

test('a game accepts the currencies of its bet limits or of its price per pull; gold until the economy is loaded', () => {
  assert.deepEqual(acceptedCurrencies({ limits: { gold: { min: 1, max: 5 }, gems: { min: 1, max: 2 } } }), ['gold', 'gems']);
  assert.deepEqual(acceptedCurrencies({ pullPrice: { gems: 3 } }), ['gems']);
  assert.deepEqual(acceptedCurrencies(undefined), ['gold']);
  economy.value = null;
  assert.deepEqual(gameCurrencies('dice'), ['gold']);
  economy.value = { version: 2, publishedAt: '2026-12-07T00:00:00.000Z', economy: withGems() };
  assert.deepEqual(gameCurrencies('dice'), ['gold', 'gems']);
  assert.deepEqual(gameCurrencies('rps'), ['gold']);
  assert.deepEqual(gameCurrencies('gacha'), ['gold']);
});

test('the header lists gold, the economy’s other currencies, then any other the wallet holds', () => {
  economy.value = { version: 2, publishedAt: '2026-12-07T00:00:00.000Z', economy: withGems() };
  assert.deepEqual(walletCurrencies({ gold: 5 }), ['gold', 'gems']);
  assert.deepEqual(walletCurrencies({ tokens: 1, gold: 5, badges: 2 }), ['gold', 'gems', 'badges', 'tokens']);
  const gemsFirst = withGems();
  gemsFirst.currencies = { gems: gemsFirst.currencies.gems, gold: gemsFirst.currencies.gold };
  economy.value = { version: 3, publishedAt: '2026-12-07T00:00:00.000Z', economy: gemsFirst };
  assert.deepEqual(walletCurrencies({}), ['gold', 'gems']);
  economy.value = null;
  assert.deepEqual(walletCurrencies({ gems: 1 }), ['gold', 'gems']);
});

test('the exchange quote is floor(amount × get / give); an amount that is not a whole positive number has none', () => {
  const rate = { from: 'gold', to: 'gems', give: 100, get: 1 };
  assert.equal(received(rate, 250), 2);
  assert.equal(received(rate, 99), 0);
  assert.equal(received({ from: 'gems', to: 'gold', give: 3, get: 7 }, 10), 23);
  for (const bad of [0, -5, 2.5, Number.NaN, 2 ** 60]) assert.equal(received(rate, bad), null, String(bad));
  const rates = withGems().exchange;
  assert.deepEqual(pickRate(rates, 'gems', 'gold'), rates[1]);
  // A pair without a published rate falls back to one that has one.
  assert.deepEqual(pickRate(rates, 'gems', 'gems'), rates[1]);
  assert.deepEqual(pickRate(rates, 'tokens', 'gold'), rates[0]);
  assert.equal(pickRate([], 'gold', 'gems'), undefined);
});

test('a JSON syntax error is reported at its line and column', () => {
  const parsed = parseJson('{\n  "currencies": {\n    "gold": { "name": "Gold" },\n  }\n}');
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok);
  assert.equal(parsed.line, 4);
  assert.match(parsed.message, /^not valid JSON at line 4, column 3: /);
  assert.deepEqual(parseJson('{"a": [1, 2]}'), { ok: true, value: { a: [1, 2] } });
  assert.equal(parseJson('').ok, false);
  assert.equal(parseJson('{"a": 1} // no comments').ok, false);
});

test('a problem’s path is traced to its line: the field, an array element, or the nearest ancestor of a missing field', () => {
  const text = JSON.stringify(withGems(), null, 2);
  const lineOf = (needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;
  const slot = text.indexOf('"slot"');
  const [amount, weight, missing, unknownGame, root] = linesOfPaths(text, ['shop.mana-potion.price.amount', 'games.slot.reel.2.weight', 'rewards.streak.nothing.deeper', 'games.chess', '']);
  assert.equal(amount, lineOf('"amount": 60'));
  assert.equal(weight, lineOf('"weight": 12', slot));
  assert.equal(missing, lineOf('"streak"'));
  assert.equal(unknownGame, lineOf('"games"'));
  assert.equal(root, 1);
  assert.deepEqual(linesOfPaths('', ['a']), [undefined]);
});

test('the diff names each changed path with its old and new value', () => {
  const next = withGems();
  next.shop['mana-potion'].price.amount = 40;
  delete next.shop['golden-crown'];
  const changes = economyChanges(defaultEconomy, next);
  const byPath = Object.fromEntries(changes.map((c) => [c.path, c]));
  assert.deepEqual(byPath['shop.mana-potion.price.amount'], { kind: 'changed', path: 'shop.mana-potion.price.amount', before: '60', after: '40' });
  assert.deepEqual(byPath['currencies.gems'], { kind: 'added', path: 'currencies.gems', after: '{"name":"Gems","premium":true}' });
  assert.equal(byPath['shop.golden-crown'].kind, 'removed');
  assert.match(byPath['shop.golden-crown'].before!, /^\{"name":"Golden crown"/);
  assert.equal(byPath['exchange.0'].kind, 'added');
  assert.equal(byPath['games.dice.limits.gems'].kind, 'added');
  assert.equal(changes.length, 6);
  assert.deepEqual(economyChanges(defaultEconomy, structuredClone(defaultEconomy)), []);
});
