// Rock-paper-scissors against the house: the server's hand is floor(f × 3) of the player's seeds
// (rock, paper, scissors); a win pays 2× the bet, a draw returns it. Its params are its bet limits
// per currency; its return to player is 1 (a fair game: the house earns nothing on average).
import { Hand, MAX_BET } from '../../shared/commandNames.ts';
import { balanceOf } from '../domain/player.ts';
import { defineGame } from './gameModule.ts';
import { checkLimits } from '../domain/stakeLimits.ts';
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
  fields: ({ z, amount, currency }) => ({
    bet: amount('bet', MAX_BET),
    hand: z.enum(Hand, { error: 'hand must be one of rock, paper, scissors' }),
    currency,
  }),
  result: ({ z, proof }) =>
    z.strictObject({ serverHand: z.enum(Hand), outcome: z.enum(['win', 'lose', 'draw']), payout: z.number().int(), currency: z.string(), balance: z.number().int(), proof: proof.nullable() }),
  params: ({ z, limits }) => z.strictObject({ limits: limits() }),
  // Each outcome has chance 1/3 whatever the hand: (2 + 1 + 0) / 3.
  rtp: () => (RPS_PAYOUT.win + RPS_PAYOUT.draw + RPS_PAYOUT.lose) / 3,
  outcome: (floats) => ({ serverHand: Hand[Math.floor(floats(1)[0] * Hand.length)] }),
  decide({ player, command, outcome: { serverHand }, proof, params, levelUp }) {
    checkLimits('rps', params.limits, command.currency, command.bet);
    const outcome = rpsOutcome(command.hand, serverHand);
    const payout = command.bet * RPS_PAYOUT[outcome];
    const play = settleWager(player, { game: 'rps', currency: command.currency, stake: command.bet, payout, won: outcome === 'win' ? 1 : 0, commandId: command.id, levelUp });
    return { ...play, result: { serverHand, outcome, payout, currency: command.currency, balance: balanceOf(play.next, command.currency), proof } };
  },
});
