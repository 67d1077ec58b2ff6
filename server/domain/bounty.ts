// A new task's bounty: what the admin gave, and for what they left out, the economy's default
// (rewards.bounty of the version in force when the board decides the task). Tasks pay their bounty
// in gold (Task.bountyGold, paid by the assignee's room as an effect), so a default bounty in
// another currency is refused rather than paid in the wrong one.
import { GOLD, type Economy } from '../../shared/economy.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';

/** admin.task.create's bounty fields, either of which may be left out. */
export type AskedBounty = { bountyGold?: number; bountyXp?: number };

export function taskBounty(asked: AskedBounty, defaults: Economy['rewards']['bounty']): { bountyGold: number; bountyXp: number } {
  const bountyXp = asked.bountyXp ?? defaults.xp;
  if (asked.bountyGold !== undefined) return { bountyGold: asked.bountyGold, bountyXp };
  if (defaults.currency !== GOLD) {
    throw new Refused(Reason.CURRENCY_NOT_ACCEPTED, `the economy's default bounty is in ${defaults.currency}, and task bounties are paid in ${GOLD}; give bountyGold`);
  }
  return { bountyGold: defaults.amount, bountyXp };
}
