// Rock-paper-scissors against the house. The bet goes to the house; a win pays 2x the bet back,
// a draw returns the bet. Both legs are separate transfers so the ledger shows wager and payout.
import type { Hand, RpsOutcome, RpsResult } from '../../shared/commands.ts';
import { EventType } from '../../shared/events.ts';
import { rpsServerHand, type Proof } from '../../shared/fair.ts';
import { SystemAccount, transfer, type Transfer } from './ledger.ts';
import { grantXp, xpForWager } from './levels.ts';
import { applyTransfers, emptyStats, type Decision, type DomainEvent, type Player } from './player.ts';

export const RPS_GAME = 'rps';

const BEATS: Record<Hand, Hand> = { rock: 'scissors', paper: 'rock', scissors: 'paper' };

export function rpsOutcome(hand: Hand, serverHand: Hand): RpsOutcome {
  if (hand === serverHand) return 'draw';
  return BEATS[hand] === serverHand ? 'win' : 'lose';
}

export const RPS_PAYOUT: Record<RpsOutcome, number> = { win: 2, draw: 1, lose: 0 };

/** Plays one game: the server's hand comes from the player's seeds and nonce, which then grows;
 *  the wager earns XP. */
export function playRps(player: Player, bet: number, hand: Hand, commandId: string): Decision<RpsResult> {
  const { serverSeed, serverSeedHash, clientSeed, nonce } = player.fair;
  const serverHand = rpsServerHand(serverSeed, clientSeed, nonce);
  const decision = settleRps(player, bet, hand, serverHand, commandId, { game: RPS_GAME, serverSeedHash, clientSeed, nonce });
  const xp = grantXp({ ...decision.next, fair: { ...player.fair, nonce: nonce + 1 } }, xpForWager(bet));
  return { ...decision, next: xp.next, events: [...decision.events, ...xp.events] };
}

/** The game's money and stats once both hands are known. */
export function settleRps(player: Player, bet: number, hand: Hand, serverHand: Hand, commandId: string, proof: Proof | null = null): Decision<RpsResult> {
  const outcome = rpsOutcome(hand, serverHand);
  const payout = bet * RPS_PAYOUT[outcome];
  const transfers: Transfer[] = [transfer(player.userId, SystemAccount.house, bet, 'game.rps.bet', commandId, commandId)];
  if (payout > 0) transfers.push(transfer(SystemAccount.house, player.userId, payout, 'game.rps.payout', commandId, commandId));
  const paid = applyTransfers(player, transfers, 'bet');
  const stats = player.stats[RPS_GAME] ?? emptyStats();
  const next: Player = {
    ...paid,
    stats: {
      ...player.stats,
      [RPS_GAME]: {
        played: stats.played + 1,
        won: stats.won + (outcome === 'win' ? 1 : 0),
        wagered: stats.wagered + bet,
        paidOut: stats.paidOut + payout,
      },
    },
  };
  const delta = payout - bet;
  const events: DomainEvent[] = [];
  if (delta !== 0) {
    events.push({ type: EventType.balanceChanged, data: { delta, balance: next.balance, reason: 'game.rps', ref: commandId } });
  }
  return { next, transfers, events, result: { serverHand, outcome, payout, balance: next.balance, proof } };
}
