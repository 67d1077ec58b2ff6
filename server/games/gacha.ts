// The gacha: 1 or 10 pulls at the params' `pullPrice` in the chosen currency, paid to the house; the
// pulled items land in the inventory in the same commit. Its params (economy.games.gacha) list the
// rarities from most to least common, each with its weight and its items. A pull's first float
// picks the rarity whose cumulative weight range holds floor(f × total weight), its second float the
// item: items[floor(g × items length)]. The guarantee: within one command, every `guaranteedPulls`-th
// pull (the 10th of a 10-pull, today) whose window of `guaranteedPulls` − 1 pulls before it held
// nothing of `guaranteedFrom` or rarer, and which would not either, takes its rarity from the
// `guaranteedFrom`-or-rarer part of the ranges only: floor(from + f × (total − from)).
// Stats: `played` counts pulls, `won` the pulls of `guaranteedFrom` or rarer, `wagered` the price
// paid; `paidOut` stays 0 (the gacha pays in items, not currency), so it has no return to player.
import type { z as Zod } from 'zod';
import { balanceOf } from '../domain/player.ts';
import { defineGame, type SchemaKit } from './gameModule.ts';
import { acceptedIn } from '../domain/stakeLimits.ts';
import { settleWager } from './wager.ts';

/** A multi-pull is this many pulls. */
export const GACHA_MULTI_PULL = 10;
/** A bound on the rarities' total weight (as the slot's strip: every weight's share stays exact to within 1 in 4,000). */
const MAX_RARITY_WEIGHT = 1_000_000;

function gachaParams({ z, amounts }: SchemaKit) {
  const name = (what: string) => z.string({ error: `${what} must be 1-64 characters of [a-z0-9-]` }).regex(/^[a-z0-9-]{1,64}$/, { error: `${what} must be 1-64 characters of [a-z0-9-]` });
  const weight = z.number({ error: 'weight must be a whole number of at least 1' }).int({ error: 'weight must be a whole number of at least 1' }).min(1, { error: 'weight must be a whole number of at least 1' });
  const pullsMessage = `guaranteedPulls must be a whole number from 1 to ${GACHA_MULTI_PULL}`;
  return z
    .strictObject({
      pullPrice: amounts('pullPrice'),
      rarities: z
        .array(z.strictObject({ rarity: name('rarity'), weight, items: z.array(name('an item id'), { error: 'items must be a list of item ids' }).min(1, { error: 'a rarity needs at least one item' }) }), { error: 'rarities must be a list of { rarity, weight, items }' })
        .min(1, { error: 'rarities must hold at least one rarity' })
        .refine((rarities) => new Set(rarities.map((r) => r.rarity)).size === rarities.length, { error: 'each rarity must appear once' })
        .refine((rarities) => totalWeight(rarities) <= MAX_RARITY_WEIGHT, { error: `the rarities' weights must add up to at most ${MAX_RARITY_WEIGHT}` }),
      guaranteedFrom: name('guaranteedFrom'),
      guaranteedPulls: z.number({ error: pullsMessage }).int({ error: pullsMessage }).min(1, { error: pullsMessage }).max(GACHA_MULTI_PULL, { error: pullsMessage }),
    })
    .refine((p) => p.rarities.some((r) => r.rarity === p.guaranteedFrom), { error: 'guaranteedFrom must be one of the rarities', path: ['guaranteedFrom'] });
}
export type GachaParams = Zod.output<ReturnType<typeof gachaParams>>;
type Rarities = GachaParams['rarities'];

export type GachaItem = { itemId: string; rarity: string };

function totalWeight(rarities: ReadonlyArray<{ weight: number }>): number {
  return rarities.reduce((sum, r) => sum + r.weight, 0);
}

/** The rarity whose cumulative weight range holds `position` (0 ≤ position < total weight). */
export function gachaRarity(rarities: Rarities, position: number): Rarities[number] {
  let rest = position;
  for (const rarity of rarities) {
    if (rest < rarity.weight) return rarity;
    rest -= rarity.weight;
  }
  throw new RangeError(`rarity position ${position} is not in [0, ${totalWeight(rarities)})`);
}

/** Whether `rarity` is `guaranteedFrom` or rarer (later in the list). */
export function isGuaranteedRarity(params: GachaParams, rarity: string): boolean {
  const index = params.rarities.findIndex((r) => r.rarity === rarity);
  return index >= params.rarities.findIndex((r) => r.rarity === params.guaranteedFrom);
}

/** The items of `pulls` pulls from `floats` (two per pull). */
export function gachaPulls(params: GachaParams, floats: readonly number[], pulls: number): GachaItem[] {
  const { rarities, guaranteedPulls } = params;
  const total = totalWeight(rarities);
  const from = totalWeight(rarities.slice(0, rarities.findIndex((r) => r.rarity === params.guaranteedFrom)));
  const items: GachaItem[] = [];
  for (let i = 0; i < pulls; i++) {
    const [f, g] = [floats[2 * i], floats[2 * i + 1]];
    let rarity = gachaRarity(rarities, Math.floor(f * total));
    const guaranteed = (i + 1) % guaranteedPulls === 0 && !items.slice(i + 1 - guaranteedPulls).some((item) => isGuaranteedRarity(params, item.rarity));
    if (guaranteed && !isGuaranteedRarity(params, rarity.rarity)) rarity = gachaRarity(rarities, Math.floor(from + f * (total - from)));
    items.push({ itemId: rarity.items[Math.floor(g * rarity.items.length)], rarity: rarity.rarity });
  }
  return items;
}

export const gacha = defineGame({
  id: 'gacha',
  title: 'Gacha',
  command: 'game.gacha',
  fields: ({ z, currency }) => ({ pulls: z.union([z.literal(1), z.literal(GACHA_MULTI_PULL)], { error: `pulls must be 1 or ${GACHA_MULTI_PULL}` }), currency }),
  result: ({ z, proof }) =>
    z.strictObject({ items: z.array(z.strictObject({ itemId: z.string(), rarity: z.string() })), cost: z.number().int(), currency: z.string(), balance: z.number().int(), proof }),
  params: gachaParams,
  rtp: () => undefined,
  proofFields: (command) => ({ pulls: command.pulls }),
  outcome: (floats, proof, params) => {
    if (proof.pulls !== 1 && proof.pulls !== GACHA_MULTI_PULL) throw new RangeError(`a gacha proof names its pulls: 1 or ${GACHA_MULTI_PULL}`);
    return { items: gachaPulls(params, floats(proof.pulls * 2), proof.pulls) };
  },
  decide({ player, command, outcome: { items }, proof, params, levelUp }) {
    const cost = acceptedIn('gacha', params.pullPrice, command.currency) * command.pulls;
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.itemId] = (counts[item.itemId] ?? 0) + 1;
    const won = items.filter((i) => isGuaranteedRarity(params, i.rarity)).length;
    const play = settleWager(player, { game: 'gacha', currency: command.currency, stake: cost, payout: 0, won, played: command.pulls, items: counts, field: 'pulls', stakeReason: 'game.gacha', commandId: command.id, levelUp });
    return { ...play, result: { items, cost, currency: command.currency, balance: balanceOf(play.next, command.currency), proof } };
  },
});
