// Dice: the roll is floor(f × 10000), 0–9999, from the first float of the player's seeds. Under
// (`over: false`) wins when roll < target × 100, a chance of `target` %; over wins when
// roll ≥ target × 100, a chance of 100 − target %. A win pays floor(bet × (100 − edge) / chance),
// the edge being the params' `edgePercent` (economy.games.dice): the return to player is
// 1 − edge/100 at every target, less the rounding down (1 % today: 0.99; dice.test.ts checks it).
import { MAX_BET } from '../../shared/commandNames.ts';
import type { z as Zod } from 'zod';
import { balanceOf } from '../domain/player.ts';
import { defineGame, type SchemaKit } from './gameModule.ts';
import { checkLimits } from '../domain/stakeLimits.ts';
import { settleWager } from './wager.ts';

export const DICE_ROLLS = 10_000;
/** The edge is a percentage with up to two decimals, at most this. */
export const MAX_DICE_EDGE_PERCENT = 50;

function diceParams({ z, limits }: SchemaKit) {
  const edgeMessage = `edgePercent must be a percentage from 0 to ${MAX_DICE_EDGE_PERCENT} with at most two decimals`;
  return z.strictObject({
    limits: limits(),
    edgePercent: z
      .number({ error: edgeMessage })
      .min(0, { error: edgeMessage })
      .max(MAX_DICE_EDGE_PERCENT, { error: edgeMessage })
      .refine((edge) => Math.abs(edge * 100 - Math.round(edge * 100)) < 1e-9, { error: edgeMessage }),
  });
}
export type DiceParams = Zod.output<ReturnType<typeof diceParams>>;

/** The chance of a win, in percent. */
export function diceChance(target: number, over: boolean): number {
  return over ? 100 - target : target;
}

export function diceWins(roll: number, target: number, over: boolean): boolean {
  return over ? roll >= target * 100 : roll < target * 100;
}

/** floor(bet × (100 − edge) / chance), in whole hundredths of a percent so that no float rounds a payout. */
export function dicePayout(edgePercent: number, bet: number, target: number, over: boolean): number {
  const keptBasisPoints = 10_000 - Math.round(edgePercent * 100);
  return Math.floor((bet * keptBasisPoints) / (diceChance(target, over) * 100));
}

export const dice = defineGame({
  id: 'dice',
  title: 'Dice',
  command: 'game.dice',
  fields: ({ z, amount, currency }) => ({
    bet: amount('bet', MAX_BET),
    target: z.number({ error: 'target must be a whole number between 1 and 98' }).int({ error: 'target must be a whole number between 1 and 98' }).min(1, { error: 'target must be a whole number between 1 and 98' }).max(98, { error: 'target must be a whole number between 1 and 98' }),
    over: z.boolean({ error: 'over must be true or false' }),
    currency,
  }),
  result: ({ z, proof }) => z.strictObject({ roll: z.number().int(), win: z.boolean(), payout: z.number().int(), currency: z.string(), balance: z.number().int(), proof }),
  params: diceParams,
  // chance × (100 − edge) / chance, before the rounding down of each payout.
  rtp: ({ edgePercent }) => (10_000 - Math.round(edgePercent * 100)) / 10_000,
  outcome: (floats) => ({ roll: Math.floor(floats(1)[0] * DICE_ROLLS) }),
  decide({ player, command: { id, bet, target, over, currency }, outcome: { roll }, proof, params, levelUp }) {
    checkLimits('dice', params.limits, currency, bet);
    const win = diceWins(roll, target, over);
    const payout = win ? dicePayout(params.edgePercent, bet, target, over) : 0;
    const play = settleWager(player, { game: 'dice', currency, stake: bet, payout, won: win ? 1 : 0, commandId: id, levelUp });
    return { ...play, result: { roll, win, payout, currency, balance: balanceOf(play.next, currency), proof } };
  },
});
