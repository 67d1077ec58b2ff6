// The slot machine: three reels over one weighted strip, paid by a paytable; both are the game's
// params (economy.games.slot). A reel stops on the symbol whose cumulative weight range holds
// floor(f × total weight), one float per reel, the strip read in the order the params list it.
// Three of a kind pays `threeOfAKind[symbol]` times the bet; exactly two cherries anywhere on the
// line pay `twoCherries` times the bet. `rtp` enumerates every stop: today's values return 0.94998
// (slot.test.ts checks it, and a 1,000,000-spin seeded simulation through the real derivation agrees).
import { MAX_BET } from '../../shared/commandNames.ts';
import type { z as Zod } from 'zod';
import { balanceOf } from '../domain/player.ts';
import { defineGame, type SchemaKit } from './gameModule.ts';
import { checkLimits } from '../domain/stakeLimits.ts';
import { settleWager } from './wager.ts';

/** A symbol of the strip, as the params name it (`cherry`, `seven`, …). */
export type SlotSymbol = string;
/** The symbol whose pairs pay `twoCherries`. */
export const CHERRY = 'cherry';

/** A bound on the strip's total weight: a float has 2^32 values, so far fewer stops keep every weight's share exact to within 1 in 4,000. */
const MAX_REEL_WEIGHT = 1_000_000;

/** The slot's params: its limits, its strip and its paytable. */
function slotParams({ z, limits }: SchemaKit) {
  const whole = (what: string, min: number) => z.number({ error: `${what} must be a whole number of at least ${min}` }).int({ error: `${what} must be a whole number of at least ${min}` }).min(min, { error: `${what} must be a whole number of at least ${min}` });
  const symbol = z.string({ error: 'a symbol must be 1-32 characters of [a-z0-9-]' }).regex(/^[a-z0-9-]{1,32}$/, { error: 'a symbol must be 1-32 characters of [a-z0-9-]' });
  return z
    .strictObject({
      limits: limits(),
      reel: z
        .array(z.strictObject({ symbol, weight: whole('weight', 1) }), { error: 'reel must be a list of { symbol, weight }' })
        .min(1, { error: 'reel must hold at least one symbol' })
        .refine((reel) => new Set(reel.map((s) => s.symbol)).size === reel.length, { error: 'each symbol must appear once on the reel' })
        .refine((reel) => reelWeight(reel) <= MAX_REEL_WEIGHT, { error: `the reel's weights must add up to at most ${MAX_REEL_WEIGHT}` }),
      threeOfAKind: z.record(symbol, whole('a multiple', 0), { error: (issue) => (issue.code === 'invalid_key' ? `${String(issue.input)} is not a symbol (1-32 characters of [a-z0-9-])` : 'threeOfAKind must map each symbol of the reel to its multiple') }),
      twoCherries: whole('twoCherries', 0),
    })
    .superRefine(({ reel, threeOfAKind }, ctx) => {
      const symbols = new Set(reel.map((s) => s.symbol));
      for (const s of symbols) if (!Object.hasOwn(threeOfAKind, s)) ctx.addIssue({ code: 'custom', path: ['threeOfAKind', s], message: `the reel's symbol ${s} needs its three-of-a-kind multiple (0 for none)` });
      for (const s of Object.keys(threeOfAKind)) if (!symbols.has(s)) ctx.addIssue({ code: 'custom', path: ['threeOfAKind', s], message: `${s} is not a symbol of the reel` });
    });
}

export type SlotParams = Zod.output<ReturnType<typeof slotParams>>;
type Reel = ReadonlyArray<{ symbol: SlotSymbol; weight: number }>;

/** The sum of the strip's weights: a reel's stop is floor(f × this). */
export function reelWeight(reel: Reel): number {
  return reel.reduce((sum, { weight }) => sum + weight, 0);
}

export function slotSymbol(reel: Reel, f: number): SlotSymbol {
  let position = Math.floor(f * reelWeight(reel));
  for (const { symbol, weight } of reel) {
    if (position < weight) return symbol;
    position -= weight;
  }
  throw new RangeError(`float ${f} is not in [0, 1)`);
}

export function slotMultiplier(params: Pick<SlotParams, 'threeOfAKind' | 'twoCherries'>, reels: readonly SlotSymbol[]): number {
  const [a, b, c] = reels;
  if (a === b && b === c) return params.threeOfAKind[a] ?? 0;
  return reels.filter((s) => s === CHERRY).length === 2 ? params.twoCherries : 0;
}

/** The exact return to player: every combination of three symbols, weighted by its stops. */
export function slotRtp(params: SlotParams): number {
  const total = reelWeight(params.reel);
  let paid = 0;
  for (const a of params.reel) for (const b of params.reel) for (const c of params.reel) paid += a.weight * b.weight * c.weight * slotMultiplier(params, [a.symbol, b.symbol, c.symbol]);
  return paid / total ** 3;
}

export const slot = defineGame({
  id: 'slot',
  title: 'Slot machine',
  command: 'game.slot',
  fields: ({ amount, currency }) => ({ bet: amount('bet', MAX_BET), currency }),
  result: ({ z, proof }) => {
    const symbol = z.string();
    return z.strictObject({ reels: z.tuple([symbol, symbol, symbol]), payout: z.number().int(), currency: z.string(), balance: z.number().int(), proof });
  },
  params: slotParams,
  rtp: slotRtp,
  outcome: (floats, _proof, { reel }) => {
    const [a, b, c] = floats(3).map((f) => slotSymbol(reel, f));
    return { reels: [a, b, c] as [SlotSymbol, SlotSymbol, SlotSymbol] };
  },
  decide({ player, command, outcome: { reels }, proof, params, levelUp }) {
    checkLimits('slot', params.limits, command.currency, command.bet);
    const payout = command.bet * slotMultiplier(params, reels);
    const play = settleWager(player, { game: 'slot', currency: command.currency, stake: command.bet, payout, won: payout > command.bet ? 1 : 0, commandId: command.id, levelUp });
    return { ...play, result: { reels, payout, currency: command.currency, balance: balanceOf(play.next, command.currency), proof } };
  },
});
