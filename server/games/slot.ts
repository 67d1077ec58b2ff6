// The slot machine: three reels over one weighted strip, paid by the paytable below. A reel stops
// on the symbol whose cumulative weight range holds floor(f × 64), one float per reel. Return to
// player, computed exactly over all 64^3 stops: 0.94998 (slot.test.ts checks it, and a
// 1,000,000-spin seeded simulation through the real derivation agrees).
import { MAX_BET } from '../../shared/commandNames.ts';
import { defineGame } from './gameModule.ts';
import { GOLD } from '../../shared/economy.ts';
import { balanceOf } from '../domain/player.ts';
import { settleWager } from './wager.ts';

export const SLOT_REEL = [
  ['cherry', 20],
  ['lemon', 16],
  ['orange', 12],
  ['bell', 8],
  ['bar', 5],
  ['seven', 3],
] as const;
export type SlotSymbol = (typeof SLOT_REEL)[number][0];
export const SLOT_REEL_WEIGHT = 64;
const SYMBOLS = SLOT_REEL.map(([symbol]) => symbol) as [SlotSymbol, ...SlotSymbol[]];

/** Multiples of the bet for three of a kind. */
export const THREE_OF_A_KIND: Record<SlotSymbol, number> = { cherry: 5, lemon: 12, orange: 15, bell: 30, bar: 50, seven: 250 };
/** Multiple of the bet for exactly two cherries anywhere on the line. */
export const TWO_CHERRIES = 2;

export function slotSymbol(f: number): SlotSymbol {
  let position = Math.floor(f * SLOT_REEL_WEIGHT);
  for (const [symbol, weight] of SLOT_REEL) {
    if (position < weight) return symbol;
    position -= weight;
  }
  throw new RangeError(`float ${f} is not in [0, 1)`);
}

export function slotMultiplier(reels: readonly SlotSymbol[]): number {
  const [a, b, c] = reels;
  if (a === b && b === c) return THREE_OF_A_KIND[a];
  return reels.filter((s) => s === 'cherry').length === 2 ? TWO_CHERRIES : 0;
}

export const slot = defineGame({
  id: 'slot',
  title: 'Slot machine',
  command: 'game.slot',
  fields: ({ amount }) => ({ bet: amount('bet', MAX_BET) }),
  result: ({ z, proof }) => {
    const symbol = z.enum(SYMBOLS);
    return z.strictObject({ reels: z.tuple([symbol, symbol, symbol]), payout: z.number().int(), balance: z.number().int(), proof });
  },
  outcome: (floats) => {
    const [a, b, c] = floats(3).map(slotSymbol);
    return { reels: [a, b, c] as [SlotSymbol, SlotSymbol, SlotSymbol] };
  },
  decide({ player, command, outcome: { reels }, proof }) {
    const payout = command.bet * slotMultiplier(reels);
    const play = settleWager(player, { currency: GOLD, game: 'slot', stake: command.bet, payout, won: payout > command.bet ? 1 : 0, commandId: command.id });
    return { ...play, result: { reels, payout, balance: balanceOf(play.next, GOLD), proof } };
  },
});
