// A new task's bounty: the admin's fields, and the economy's default bounty for those left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { withGems } from '../../tests/support/economies.ts';
import { DomainError } from './errors.ts';
import { taskBounty } from './bounty.ts';

const TODAY = defaultEconomy;
const withBounty = (bounty: (typeof TODAY)['rewards']['bounty']) => ({ ...withGems(), rewards: { ...TODAY.rewards, bounty } });

test("a bounty field left out is the economy's default: today 100 gold and 10 XP", () => {
  assert.deepEqual(TODAY.rewards.bounty, { currency: 'gold', amount: 100, xp: 10 });
  assert.deepEqual(taskBounty({}, TODAY), { bountyGold: 100, bountyCurrency: 'gold', bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyGold: 7 }, TODAY), { bountyGold: 7, bountyCurrency: 'gold', bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyXp: 0 }, TODAY), { bountyGold: 100, bountyCurrency: 'gold', bountyXp: 0 });
  assert.deepEqual(taskBounty({ bountyGold: 7, bountyXp: 3 }, TODAY), { bountyGold: 7, bountyCurrency: 'gold', bountyXp: 3 });
  assert.deepEqual(taskBounty({}, withBounty({ currency: 'gold', amount: 640, xp: 64 })), { bountyGold: 640, bountyCurrency: 'gold', bountyXp: 64 }, 'another version, another default');
});

test('a default bounty in another currency is paid in it; the admin may name another currency with its amount', () => {
  const gems = withBounty({ currency: 'gems', amount: 5, xp: 10 });
  assert.deepEqual(taskBounty({}, gems), { bountyGold: 5, bountyCurrency: 'gems', bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyGold: 50, bountyCurrency: 'gold' }, gems), { bountyGold: 50, bountyCurrency: 'gold', bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyGold: 3, bountyCurrency: 'gems' }, withGems()), { bountyGold: 3, bountyCurrency: 'gems', bountyXp: 10 });
});

test('a currency the economy does not have is refused naming bountyCurrency; another currency than the default must give its amount', () => {
  assert.throws(
    () => taskBounty({ bountyGold: 5, bountyCurrency: 'gems' }, TODAY),
    (e: unknown) => e instanceof DomainError && e.code === 'INVALID_INPUT' && e.reason === 'UNKNOWN_CURRENCY' && e.message === 'bountyCurrency gems is not a currency of the economy',
  );
  assert.throws(
    () => taskBounty({ bountyCurrency: 'gems' }, withGems()),
    (e: unknown) => e instanceof DomainError && e.code === 'INVALID_INPUT' && e.message === 'bountyGold must be given for a bounty in gems: the default bounty is 100 gold',
  );
});
