// The economy document's schema (docs/ECONOMY.md "Designing your economy"): the shape of every
// section, each game's section from that game's own `params` schema, and the cross-references
// (references.ts). `validateEconomy` is the one door a document goes through, from the file at
// start or from an admin's publish, and it returns every problem, not the first.
// economy/economy.schema.json is exported from `economyStructure` for editors (`npm run economy:schema`).
import { z } from 'zod';
import { CURRENCY_ID, ITEM_ID, type Economy, type EconomyProblem } from '../../shared/economy.ts';
import { gameParamsSchemas, schemaKit } from '../games/commands.ts';
import { referenceProblems } from './references.ts';
import { inAuthorsOrder } from './authorsOrder.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const positive = z
  .number({ error: `must be a whole number from 1 to ${MAX}` })
  .int({ error: `must be a whole number from 1 to ${MAX}` })
  .min(1, { error: `must be a whole number from 1 to ${MAX}` })
  .max(MAX, { error: `must be a whole number from 1 to ${MAX}` });
const nonNegative = z
  .number({ error: `must be a whole number from 0 to ${MAX}` })
  .int({ error: `must be a whole number from 0 to ${MAX}` })
  .min(0, { error: `must be a whole number from 0 to ${MAX}` })
  .max(MAX, { error: `must be a whole number from 0 to ${MAX}` });
const currencyId = z
  .string({ error: 'must be a currency id' })
  .regex(CURRENCY_ID, { error: 'must be a currency id: a lowercase letter, then up to 31 of a-z, 0-9 and -' });
const itemId = z.string({ error: 'must be an item id' }).regex(ITEM_ID, { error: 'must be an id of 1-64 characters of a-z, 0-9 and -' });
const name = z.string({ error: 'must be a name of 1-100 characters' }).trim().min(1, { error: 'must be a name of 1-100 characters' }).max(100, { error: 'must be a name of 1-100 characters' });
const time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-12-24T18:00:00Z, or null' }).nullable();

const amounts = z.record(currencyId, positive);
const grants = z.strictObject({ currencies: amounts.optional(), items: z.record(itemId, positive).optional() });

const offer = z.strictObject({
  name: name.describe('Shown in the shop.'),
  price: z.strictObject({ currency: currencyId, amount: positive }).describe('What one unit costs, in one currency.'),
  grants: grants.describe('What one unit gives: currencies and items (an item offer grants itself; a bundle grants several things).'),
  stock: nonNegative.nullable().default(null).describe('Units left for everyone together, or null for unlimited. The counter lives in the database and survives publishes.'),
  perPlayer: positive.nullable().default(null).describe('Units one player may buy in all, or null for no limit.'),
  startsAt: time.default(null).describe('When the offer goes on sale (ISO 8601), or null.'),
  endsAt: time.default(null).describe('When the offer stops being on sale (ISO 8601, after startsAt), or null.'),
});

/** `games`: each installed game's section, validated by its module's `params` (server/games/),
 *  every one required; a section for a game that is not installed is refused. */
const gameSections = z.strictObject(gameParamsSchemas, { error: (issue) => (issue.code === 'unrecognized_keys' ? 'no installed game has this id' : undefined) });

/** The document's shape, without the cross-references: what the JSON Schema for editors says. */
export const economyStructure = z.strictObject({
  /** Where an editor finds the JSON Schema (economy/economy.schema.json); not part of the economy. */
  $schema: z.string().optional().describe('Where an editor finds this schema; not part of the economy.'),
  currencies: z
    .record(currencyId, z.strictObject({ name, premium: z.boolean({ error: 'must be true or false' }).describe('Bought with real money: shown apart, never minted by games.') }))
    .describe('Every currency, by id. "gold" must be one: protocol-1 clients show its balance.'),
  exchange: z
    .array(z.strictObject({ from: currencyId, to: currencyId, give: positive, get: positive }))
    .default([])
    .describe('Exchange rates through the house: `amount` of `from` yields floor(amount × get / give) of `to`. One rate per pair; no loop of rates may return more than it costs.'),
  shop: z.record(itemId, offer).describe("The shop's offers, by offer id (what shop.buy's itemId names)."),
  rewards: z.strictObject({
    streak: z
      .strictObject({ currency: currencyId, days: z.array(positive).min(1, { error: 'must list at least one day' }), xp: nonNegative })
      .describe('The daily streak: day n pays days[min(n, days.length) - 1] of currency, and xp.'),
    levelUp: z
      .array(z.strictObject({ level: z.number().int().min(2, { error: 'must be a whole number from 2 up' }).max(MAX), grants }))
      .default([])
      .describe('What reaching a level grants (levels not listed grant nothing); each level once.'),
    bounty: z.strictObject({ currency: currencyId, amount: positive, xp: nonNegative }).describe("A new task's bounty when the admin gives none."),
  }),
  games: gameSections.describe("Each installed game's parameters, by game id, in the shape its module declares."),
  // The same bet limits as a bet game's (the games' kit): at least one currency, 1 <= min <= max <= MAX_BET.
  crash: z.strictObject({ limits: schemaKit.limits().describe('The smallest and largest bet per currency; a currency not listed is refused.') }),
});

/** The whole schema: the shape, then every cross-reference. */
export const economySchema = economyStructure.superRefine((document, ctx) => {
  for (const problem of referenceProblems(document)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message, input: document });
}) satisfies z.ZodType<Economy & { $schema?: string }>;

// The schema's input is a document as written (defaults may be left out): Economy must fit it.
const _economyFitsTheSchema = (e: Economy): z.input<typeof economySchema> => e;
void _economyFitsTheSchema;

export type Validation = { ok: true; economy: Economy } | { ok: false; problems: EconomyProblem[] };

/** Validates a document: the economy (without `$schema`, its keys in the author's order), or every problem with its JSON path.
 *  The cross-references are checked over the raw document even when its shape has problems (a
 *  schema's refinement would stop at the first fraction where a whole number belongs), so one pass
 *  names them all. */
export function validateEconomy(document: unknown): Validation {
  const parsed = economyStructure.safeParse(document, { reportInput: true });
  const references = referenceProblems(document).map((p) => ({ path: pathOf(p.path), message: p.message }));
  if (parsed.success && references.length === 0) {
    const { $schema: _, ...economy } = parsed.data;
    return { ok: true, economy: inAuthorsOrder(economy, document) };
  }
  return { ok: false, problems: unique([...(parsed.success ? [] : problemsOf(parsed.error.issues)), ...references]) };
}

/** One line per problem, `path: message`, for logs and refusals. */
export function describeProblems(problems: readonly EconomyProblem[]): string {
  return problems.map((p) => `${p.path || '(the document)'}: ${p.message}`).join('\n');
}

function problemsOf(issues: readonly z.core.$ZodIssue[]): EconomyProblem[] {
  const problems: EconomyProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, at the key itself, so that an editor can point at it.
      for (const key of issue.keys) problems.push({ path: pathOf([...issue.path, key]), message: issue.message.startsWith('Unrecognized') ? 'unknown field' : issue.message });
    } else if (issue.code === 'invalid_key') {
      problems.push({ path: pathOf(issue.path), message: `the key ${issue.issues[0]?.message ?? 'is not valid'}` });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      problems.push({ path: pathOf(issue.path), message: 'is missing' });
    } else {
      problems.push({ path: pathOf(issue.path), message: issue.message });
    }
  }
  return problems;
}

function unique(problems: EconomyProblem[]): EconomyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}
