// docs/ECONOMY.md against the code: a section for every field of the document, and its worked
// example applied step by step to the default file validates at every step (and its mistake is
// refused with the message the page quotes).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { economyStructure, validateEconomy } from '../server/economy/schema.ts';
import { section } from './support/markdown.ts';
import { ROOT } from './support/server.ts';

const doc = readFileSync(path.join(ROOT, 'docs/ECONOMY.md'), 'utf8');

/** `patch` over `base`: objects merged key by key, anything else replaced. */
function merged(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = key in base ? merged(base[key], value) : structuredClone(value);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

test('docs/ECONOMY.md has a section for every field of the document', () => {
  for (const field of Object.keys(economyStructure.shape)) section(section(doc, 'The economy file, field by field'), `\`${field}\``);
});

test("docs/ECONOMY.md's worked example validates at every step, from the default file", () => {
  const steps = [...section(doc, 'Worked example: gems, a gem-priced item and a bundle').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);
  assert.equal(steps.length, 5);
  let economy: unknown = defaultEconomy;
  for (const [i, step] of steps.entries()) {
    economy = merged(economy, step);
    const validation = validateEconomy(economy);
    assert.ok(validation.ok, `step ${i + 1}: ${JSON.stringify(!validation.ok && validation.problems)}`);
  }
  const final = validateEconomy(economy);
  assert.ok(final.ok);
  assert.equal(final.economy.shop['dragon-egg']!.price.amount, 15);
  assert.deepEqual(final.economy.shop['starter-bundle']!.grants, { currencies: { gold: 1000 }, items: { 'health-potion': 3, 'mana-potion': 2 } });

  // The mistake it shows is refused with the message it quotes.
  const mistaken = merged(economy, { shop: { 'dragon-egg': { price: { currency: 'gem' } } } });
  const refused = validateEconomy(mistaken);
  assert.ok(!refused.ok);
  const [problem] = refused.problems;
  assert.ok(doc.replace(/\s+/g, ' ').includes(`${problem!.path}: ${problem!.message}`), `docs/ECONOMY.md quotes "${problem!.path}: ${problem!.message}"`);
});
