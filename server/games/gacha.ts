// The gacha: 1 or 10 pulls at GACHA_PULL_COST each, paid to the house; the pulled items land in the
// inventory in the same commit. A pull's first float picks the rarity whose per-mille range holds
// floor(f × 1000), its second float the item: GACHA_POOL[rarity][floor(g × pool length)]. On a
// 10-pull where the first nine hold nothing rare or better and the tenth would not either, the
// tenth's rarity is read from the rare-or-better part only: floor(850 + f × 150).
// Stats: `played` counts pulls, `won` the pulls that were rare or better, `wagered` the gold paid;
// `paidOut` stays 0 (the gacha pays in items, not gold).
import { defineGame } from './gameModule.ts';
import { GOLD } from '../../shared/economy.ts';
import { balanceOf } from '../domain/player.ts';
import { settleWager } from './wager.ts';

export const GACHA_PULL_COST = 100;

export const GACHA_RARITIES = [
  ['common', 600],
  ['uncommon', 250],
  ['rare', 100],
  ['epic', 40],
  ['legendary', 10],
] as const;
export type Rarity = (typeof GACHA_RARITIES)[number][0];
export const GACHA_RARITY_WEIGHT = 1000;
/** Where `rare` starts in the per-mille ranges: the 10-pull guarantee draws from here up. */
export const GACHA_RARE_FROM = 850;
export const GACHA_GUARANTEED_PULLS = 10;
const RARITIES = GACHA_RARITIES.map(([rarity]) => rarity) as [Rarity, ...Rarity[]];

export const GACHA_POOL: Record<Rarity, readonly string[]> = {
  common: ['wooden-shield', 'leather-boots', 'herb-pouch', 'copper-charm'],
  uncommon: ['silver-ring', 'iron-helm', 'swift-feather'],
  rare: ['sapphire-amulet', 'enchanted-bow'],
  epic: ['dragon-scale', 'phoenix-plume'],
  legendary: ['crown-of-ages'],
};

export type GachaItem = { itemId: string; rarity: Rarity };

export function gachaRarity(position: number): Rarity {
  let rest = position;
  for (const [rarity, weight] of GACHA_RARITIES) {
    if (rest < weight) return rarity;
    rest -= weight;
  }
  throw new RangeError(`rarity position ${position} is not in [0, ${GACHA_RARITY_WEIGHT})`);
}

export function isRareOrBetter(rarity: Rarity): boolean {
  return rarity !== 'common' && rarity !== 'uncommon';
}

/** The items of `pulls` pulls from `floats` (two per pull). */
export function gachaPulls(floats: readonly number[], pulls: number): GachaItem[] {
  const items: GachaItem[] = [];
  for (let i = 0; i < pulls; i++) {
    const [f, g] = [floats[2 * i], floats[2 * i + 1]];
    let rarity = gachaRarity(Math.floor(f * GACHA_RARITY_WEIGHT));
    const guaranteed = pulls === GACHA_GUARANTEED_PULLS && i === pulls - 1 && !items.some((item) => isRareOrBetter(item.rarity));
    if (guaranteed && !isRareOrBetter(rarity)) rarity = gachaRarity(Math.floor(GACHA_RARE_FROM + f * (GACHA_RARITY_WEIGHT - GACHA_RARE_FROM)));
    const pool = GACHA_POOL[rarity];
    items.push({ itemId: pool[Math.floor(g * pool.length)], rarity });
  }
  return items;
}

export const gacha = defineGame({
  id: 'gacha',
  title: 'Gacha',
  command: 'game.gacha',
  fields: ({ z }) => ({ pulls: z.union([z.literal(1), z.literal(10)], { error: 'pulls must be 1 or 10' }) }),
  result: ({ z, proof }) =>
    z.strictObject({ items: z.array(z.strictObject({ itemId: z.string(), rarity: z.enum(RARITIES) })), cost: z.number().int(), balance: z.number().int(), proof }),
  proofFields: (command) => ({ pulls: command.pulls }),
  outcome: (floats, proof) => {
    if (proof.pulls !== 1 && proof.pulls !== GACHA_GUARANTEED_PULLS) throw new RangeError('a gacha proof names its pulls: 1 or 10');
    return { items: gachaPulls(floats(proof.pulls * 2), proof.pulls) };
  },
  decide({ player, command, outcome: { items }, proof }) {
    const cost = GACHA_PULL_COST * command.pulls;
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.itemId] = (counts[item.itemId] ?? 0) + 1;
    const won = items.filter((i) => isRareOrBetter(i.rarity)).length;
    const play = settleWager(player, { currency: GOLD, game: 'gacha', stake: cost, payout: 0, won, played: command.pulls, items: counts, field: 'pulls', stakeReason: 'game.gacha', commandId: command.id });
    return { ...play, result: { items, cost, balance: balanceOf(play.next, GOLD), proof } };
  },
});
