// Admin grants: a credit is minted (mint -> player), a debit is burned (player -> mint); a debit
// never takes a balance below zero.
import type { AdminGrantResult } from '../../shared/adminCommands.ts';
import { GOLD } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

export function grantGold(player: Player, amount: number, reason: string, commandId: string): Decision<AdminGrantResult> {
  const t = amount > 0
    ? transfer(SystemAccount.mint, player.userId, amount, GOLD, 'admin.grant', reason, commandId)
    : transfer(player.userId, SystemAccount.mint, -amount, GOLD, 'admin.debit', reason, commandId);
  const next = applyTransfers(player, [t], 'amount');
  const balance = balanceOf(next, GOLD);
  return {
    next,
    transfers: [t],
    events: [{ type: EventType.balanceChanged, data: { delta: amount, balance, currency: GOLD, reason: amount > 0 ? 'admin.grant' : 'admin.debit', ref: reason } }],
    result: { balance },
  };
}
