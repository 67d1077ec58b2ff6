// A guest's whole journey in the browser: streak, RPS, slot, dice, shop, a task from the board, the feed;
// after every step the header shows the balance the server holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { games } from '../../server/games/games.ts';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { expectAck } from '../support/client.ts';
import { serverFixture } from '../support/fixture.ts';
import { adminConnection, browserFixture, newPlayerPage, screenshot, serverView, signInAsGuest, waitForBalance } from '../support/browser.ts';

const fx = serverFixture('coffer_browser_journey');
const chrome = browserFixture();

test('a guest claims the streak, plays RPS and the slot, buys an item, completes a task and sees it all in the feed', async () => {
  const admin = await adminConnection(fx.server.url);
  const { task } = expectAck(await admin.send(AdminCommandType.taskCreate, { title: 'Water the plants', bountyGold: 70, bountyXp: 15 }));
  expectAck(await admin.send(AdminCommandType.taskCreate, { title: 'Dust the shelves', bountyGold: 20, bountyXp: 5 }));
  const { context, page } = await newPlayerPage(chrome.browser());
  await page.goto(fx.server.url);
  await screenshot(page, 'sign-in');
  const userId = await signInAsGuest(page, fx.server.url, 'ada');
  const expectServerBalance = async () => {
    const view = await serverView(admin, userId);
    await waitForBalance(page, view.balance);
    return view;
  };

  // The Games tab shows a card for every installed game (server/games/installed.ts), titled as the module says.
  for (const game of games) await page.getByRole('heading', { name: game.title, exact: true }).waitFor();

  await page.getByRole('button', { name: 'Claim daily reward' }).click();
  await waitForBalance(page, 100);
  await page.getByText('(claimed today)').waitFor();
  assert.equal((await expectServerBalance()).balance, 100);

  await page.getByLabel('RPS bet (gold)').fill('10');
  await page.getByRole('button', { name: 'Rock' }).click();
  const rps = await page.getByTestId('rps-result').textContent();
  assert.match(rps!, /^(You win|You lose|Draw): your rock against (rock|paper|scissors); paid \d+ gold\.$/);
  await expectServerBalance();

  await page.getByLabel('Slot bet (gold)').fill('5');
  await page.getByRole('button', { name: 'Spin' }).click();
  assert.match((await page.getByTestId('slot-result').textContent())!, /^Reels: \w+, \w+, \w+\./);
  await page.getByLabel('Dice bet (gold)').fill('4');
  await page.getByLabel('Target (1–98)').fill('60');
  await page.getByRole('button', { name: 'Roll' }).click();
  assert.match((await page.getByTestId('dice-result').textContent())!, /^Rolled \d{1,4}\. (You win 6 gold\.|No win\.)$/);
  const afterGames = await expectServerBalance();
  assert.equal(afterGames.stats.rps && (afterGames.stats.rps as { played: number }).played, 1);
  assert.equal(afterGames.stats.dice && (afterGames.stats.dice as { played: number }).played, 1);
  await screenshot(page, 'games');

  await page.getByRole('button', { name: 'Shop' }).click();
  // Each offer of the economy in force with its price in its currency, and what is left of a limited one.
  await page.locator('[data-offer="golden-crown"]').getByText('Golden crown — 5000 gold · 5 left').waitFor();
  await page.locator('[data-offer="lucky-charm"]').getByText('· 100 left').waitFor();
  await page.getByRole('button', { name: /^Buy Health potion for 50 gold$/ }).click();
  await page.getByTestId('inventory').getByText('health-potion × 1').waitFor();
  const afterShop = await expectServerBalance();
  assert.equal(afterShop.balance, afterGames.balance - 50);
  assert.deepEqual(afterShop.inventory, { 'health-potion': 1 });
  await screenshot(page, 'shop');

  await page.getByRole('button', { name: 'Tasks' }).click();
  // Abandoning hands a task back to the board, and nothing is paid.
  await page.getByRole('button', { name: 'Accept Dust the shelves' }).click();
  await page.locator('[data-task-title="Dust the shelves"]').getByText('accepted by you').waitFor();
  await page.getByRole('button', { name: 'Abandon Dust the shelves' }).click();
  await page.getByRole('button', { name: 'Accept Dust the shelves' }).waitFor();
  await page.getByRole('button', { name: 'Accept Water the plants' }).click();
  await page.getByRole('button', { name: 'Complete Water the plants' }).click();
  await page.locator('[data-task-title="Water the plants"]').getByText('completed').waitFor();
  // The bounty lands through the player's own room: the balance moves by exactly the bounty.
  await waitForBalance(page, afterShop.balance + 70);
  assert.equal((await expectServerBalance()).balance, afterShop.balance + 70);
  await page.getByTestId('toast').filter({ hasText: '+70 gold from a task bounty' }).waitFor();
  await screenshot(page, 'tasks');

  await page.getByRole('button', { name: 'Feed' }).click();
  const feed = page.getByTestId('feed');
  await feed.getByText('+100 gold from the daily streak. Balance 100 gold.').waitFor();
  await feed.getByText('Bought 1 × health-potion for 50 gold.').waitFor();
  // The task was created before this player joined: history, not news (the board's head at join).
  assert.equal(await feed.getByText('New task on the board').count(), 0);
  await feed.getByText('Task "Water the plants" is completed.').waitFor();
  await screenshot(page, 'feed');
  assert.equal(task.title, 'Water the plants');
  await context.close();
  await admin.leave();
});
