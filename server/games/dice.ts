// Dice: the roll is floor(f × 10000), 0–9999, from the first float of the player's seeds. Under
// (`over: false`) wins when roll < target × 100, a chance of `target` %; over wins when
// roll ≥ target × 100, a chance of 100 − target %. A win pays floor(bet × (100 − edge) / chance):
// with the 1 % edge below, the return to player is 99 % at every target (dice.test.ts checks it).
import { MAX_BET } from '../../shared/commandNames.ts';
import { defineGame } from './gameModule.ts';
import { GOLD } from '../../shared/economy.ts';
import { balanceOf } from '../domain/player.ts';
import { settleWager } from './wager.ts';

/** The house edge, in percent of the stake's fair value. */
export const DICE_EDGE_PERCENT = 1;
export const DICE_ROLLS = 10_000;

/** The chance of a win, in percent. */
export function diceChance(target: number, over: boolean): number {
  return over ? 100 - target : target;
}

export function diceWins(roll: number, target: number, over: boolean): boolean {
  return over ? roll >= target * 100 : roll < target * 100;
}

export function dicePayout(bet: number, target: number, over: boolean): number {
  return Math.floor((bet * (100 - DICE_EDGE_PERCENT)) / diceChance(target, over));
}

export const dice = defineGame({
  id: 'dice',
  title: 'Dice',
  command: 'game.dice',
  fields: ({ z, amount }) => ({
    bet: amount('bet', MAX_BET),
    target: z.number({ error: 'target must be a whole number between 1 and 98' }).int({ error: 'target must be a whole number between 1 and 98' }).min(1, { error: 'target must be a whole number between 1 and 98' }).max(98, { error: 'target must be a whole number between 1 and 98' }),
    over: z.boolean({ error: 'over must be true or false' }),
  }),
  result: ({ z, proof }) => z.strictObject({ roll: z.number().int(), win: z.boolean(), payout: z.number().int(), balance: z.number().int(), proof }),
  outcome: (floats) => ({ roll: Math.floor(floats(1)[0] * DICE_ROLLS) }),
  decide({ player, command: { id, bet, target, over }, outcome: { roll }, proof }) {
    const win = diceWins(roll, target, over);
    const payout = win ? dicePayout(bet, target, over) : 0;
    const play = settleWager(player, { currency: GOLD, game: 'dice', stake: bet, payout, won: win ? 1 : 0, commandId: id });
    return { ...play, result: { roll, win, payout, balance: balanceOf(play.next, GOLD), proof } };
  },
});
