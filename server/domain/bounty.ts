// A new task's bounty: what the admin gave, and for what they left out, the economy's default
// (rewards.bounty of the version in force when the board decides the task). The bounty is paid in
// its currency (Task.bountyCurrency, by the assignee's room as an effect from the bounty account).
import type { CurrencyId, Economy } from '../../shared/economy.ts';
import { DomainError } from './errors.ts';
import { unknownCurrency } from './exchange.ts';

/** admin.task.create's bounty fields, any of which may be left out; `bountyGold` is the amount, in `bountyCurrency`. */
export type AskedBounty = { bountyGold?: number; bountyXp?: number; bountyCurrency?: CurrencyId };

export type TaskBounty = { bountyGold: number; bountyCurrency: CurrencyId; bountyXp: number };

/**
 * The bounty a new task carries. A currency the economy does not have is refused naming
 * `bountyCurrency`; the default amount is the default currency's, so a bounty in another currency
 * must give its amount (`bountyGold`).
 */
export function taskBounty(asked: AskedBounty, economy: Pick<Economy, 'currencies' | 'rewards'>): TaskBounty {
  const defaults = economy.rewards.bounty;
  const bountyCurrency = asked.bountyCurrency ?? defaults.currency;
  if (!Object.hasOwn(economy.currencies, bountyCurrency)) throw unknownCurrency('bountyCurrency', bountyCurrency);
  const bountyXp = asked.bountyXp ?? defaults.xp;
  if (asked.bountyGold !== undefined) return { bountyGold: asked.bountyGold, bountyCurrency, bountyXp };
  if (bountyCurrency !== defaults.currency) {
    throw new DomainError('INVALID_INPUT', `bountyGold must be given for a bounty in ${bountyCurrency}: the default bounty is ${defaults.amount} ${defaults.currency}`);
  }
  return { bountyGold: defaults.amount, bountyCurrency, bountyXp };
}
