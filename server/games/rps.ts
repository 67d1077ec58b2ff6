// Rock-paper-scissors against the house: the server's hand is floor(f × 3) of the player's seeds
// (rock, paper, scissors); a win pays 2× the bet, a draw returns it.
import { Hand, MAX_BET } from '../../shared/commandNames.ts';
import { defineGame } from './gameModule.ts';
import { GOLD } from '../../shared/economy.ts';
import { balanceOf } from '../domain/player.ts';
import { settleWager } from './wager.ts';

export type RpsOutcome = 'win' | 'lose' | 'draw';

const BEATS: Record<Hand, Hand> = { rock: 'scissors', paper: 'rock', scissors: 'paper' };

export function rpsOutcome(hand: Hand, serverHand: Hand): RpsOutcome {
  if (hand === serverHand) return 'draw';
  return BEATS[hand] === serverHand ? 'win' : 'lose';
}

export const RPS_PAYOUT: Record<RpsOutcome, number> = { win: 2, draw: 1, lose: 0 };

export const rps = defineGame({
  id: 'rps',
  title: 'Rock, paper, scissors',
  command: 'game.rps',
  fields: ({ z, amount }) => ({
    bet: amount('bet', MAX_BET),
    hand: z.enum(Hand, { error: 'hand must be one of rock, paper, scissors' }),
  }),
  result: ({ z, proof }) =>
    z.strictObject({ serverHand: z.enum(Hand), outcome: z.enum(['win', 'lose', 'draw']), payout: z.number().int(), balance: z.number().int(), proof: proof.nullable() }),
  outcome: (floats) => ({ serverHand: Hand[Math.floor(floats(1)[0] * Hand.length)] }),
  decide({ player, command, outcome: { serverHand }, proof }) {
    const outcome = rpsOutcome(command.hand, serverHand);
    const payout = command.bet * RPS_PAYOUT[outcome];
    const play = settleWager(player, { currency: GOLD, game: 'rps', stake: command.bet, payout, won: outcome === 'win' ? 1 : 0, commandId: command.id });
    return { ...play, result: { serverHand, outcome, payout, balance: balanceOf(play.next, GOLD), proof } };
  },
});
