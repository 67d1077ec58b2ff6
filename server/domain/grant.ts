// Admin grants: a credit is minted (mint -> player), a debit is burned (player -> mint), in one
// currency of the economy (gold unless the admin names another); a debit never takes a balance
// below zero.
import type { AdminGrantResult } from '../../shared/adminCommands.ts';
import type { CurrencyId, Economy } from '../../shared/economy.ts';
import { EventType } from '../../shared/events.ts';
import { unknownCurrency } from './exchange.ts';
import { SystemAccount, transfer } from './ledger.ts';
import { applyTransfers, balanceOf, type Decision, type Player } from './player.ts';

export type Grant = { id: string; amount: number; currency: CurrencyId; reason: string };

export function grantOf(player: Player, economy: Economy, grant: Grant): Decision<AdminGrantResult> {
  const { id, amount, currency, reason } = grant;
  if (!Object.hasOwn(economy.currencies, currency)) throw unknownCurrency('currency', currency);
  const t = amount > 0
    ? transfer(SystemAccount.mint, player.userId, amount, currency, 'admin.grant', reason, id)
    : transfer(player.userId, SystemAccount.mint, -amount, currency, 'admin.debit', reason, id);
  const next = applyTransfers(player, [t], 'amount');
  const balance = balanceOf(next, currency);
  return {
    next,
    transfers: [t],
    events: [{ type: EventType.balanceChanged, data: { delta: amount, balance, currency, reason: amount > 0 ? 'admin.grant' : 'admin.debit', ref: reason } }],
    result: { balance, currency },
  };
}
