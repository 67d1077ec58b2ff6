// The slot machine: three reels (the weighted strip is shared/fair.ts SLOT_REEL), paid by the
// paytable below, defined once here. Return to player, computed exactly over all 64^3 stops:
// 0.94998 (slot.test.ts checks it, and a 1,000,000-spin seeded simulation through the real
// derivation agrees).
import type { SlotResult } from '../../shared/commands.ts';
import { EventType } from '../../shared/events.ts';
import { slotReels, type SlotSymbol } from '../../shared/fair.ts';
import { SystemAccount, transfer, type Transfer } from './ledger.ts';
import { grantXp, xpForWager } from './levels.ts';
import { applyTransfers, emptyStats, type Decision, type DomainEvent, type Player } from './player.ts';

export const SLOT_GAME = 'slot';

/** Multiples of the bet for three of a kind. */
export const THREE_OF_A_KIND: Record<SlotSymbol, number> = { cherry: 5, lemon: 12, orange: 15, bell: 30, bar: 50, seven: 250 };
/** Multiple of the bet for exactly two cherries anywhere on the line. */
export const TWO_CHERRIES = 2;

export function slotMultiplier(reels: readonly SlotSymbol[]): number {
  const [a, b, c] = reels;
  if (a === b && b === c) return THREE_OF_A_KIND[a];
  return reels.filter((s) => s === 'cherry').length === 2 ? TWO_CHERRIES : 0;
}

export function playSlot(player: Player, bet: number, commandId: string): Decision<SlotResult> {
  const { serverSeed, serverSeedHash, clientSeed, nonce } = player.fair;
  const reels = slotReels(serverSeed, clientSeed, nonce);
  const payout = bet * slotMultiplier(reels);
  const transfers: Transfer[] = [transfer(player.userId, SystemAccount.house, bet, 'game.slot.bet', commandId, commandId)];
  if (payout > 0) transfers.push(transfer(SystemAccount.house, player.userId, payout, 'game.slot.payout', commandId, commandId));
  const paid = applyTransfers(player, transfers, 'bet');
  const stats = player.stats[SLOT_GAME] ?? emptyStats();
  const next: Player = {
    ...paid,
    fair: { ...player.fair, nonce: nonce + 1 },
    stats: {
      ...player.stats,
      [SLOT_GAME]: { played: stats.played + 1, won: stats.won + (payout > bet ? 1 : 0), wagered: stats.wagered + bet, paidOut: stats.paidOut + payout },
    },
  };
  const events: DomainEvent[] = [];
  if (payout !== bet) events.push({ type: EventType.balanceChanged, data: { delta: payout - bet, balance: next.balance, reason: 'game.slot', ref: commandId } });
  const xp = grantXp(next, xpForWager(bet));
  return {
    next: xp.next,
    transfers,
    events: [...events, ...xp.events],
    result: { reels, payout, balance: next.balance, proof: { game: SLOT_GAME, serverSeedHash, clientSeed, nonce } },
  };
}
