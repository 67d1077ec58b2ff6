// A new task's bounty: the admin's fields, and the economy's default bounty for those left out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import { DomainError } from './errors.ts';
import { taskBounty } from './bounty.ts';

const TODAY = defaultEconomy.rewards.bounty;

test("a bounty field left out is the economy's default: today 100 gold and 10 XP", () => {
  assert.deepEqual(TODAY, { currency: 'gold', amount: 100, xp: 10 });
  assert.deepEqual(taskBounty({}, TODAY), { bountyGold: 100, bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyGold: 7 }, TODAY), { bountyGold: 7, bountyXp: 10 });
  assert.deepEqual(taskBounty({ bountyXp: 0 }, TODAY), { bountyGold: 100, bountyXp: 0 });
  assert.deepEqual(taskBounty({ bountyGold: 7, bountyXp: 3 }, TODAY), { bountyGold: 7, bountyXp: 3 });
  assert.deepEqual(taskBounty({}, { currency: 'gold', amount: 640, xp: 64 }), { bountyGold: 640, bountyXp: 64 }, 'another version, another default');
});

test('a default bounty in another currency is refused naming it, unless the admin gives bountyGold', () => {
  const gems = { currency: 'gems', amount: 5, xp: 10 };
  assert.throws(
    () => taskBounty({}, gems),
    (e: unknown) => e instanceof DomainError && e.code === 'INVALID_INPUT' && e.reason === 'CURRENCY_NOT_ACCEPTED' && e.message === "the economy's default bounty is in gems, and task bounties are paid in gold; give bountyGold",
  );
  assert.deepEqual(taskBounty({ bountyGold: 50 }, gems), { bountyGold: 50, bountyXp: 10 });
});
