// Live updates in the browser: two tabs of one player stay consistent, an admin grant shows up
// with exactly one toast, board changes by other players appear, and a lost connection shows the
// banner, recovers, replays what was missed once and ends on the server's balance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { BoardCommandType } from '../../shared/boardCommands.ts';
import { RoomName } from '../../shared/protocol.ts';
import { BoardState } from '../../shared/state.ts';
import { expectAck, joinRoom, signInGuest } from '../support/client.ts';
import { serverFixture } from '../support/fixture.ts';
import { adminConnection, browserFixture, newPlayerPage, screenshot, serverView, signInAsGuest, waitForBalance } from '../support/browser.ts';

const fx = serverFixture('coffer_browser_live');
const chrome = browserFixture();

test('two tabs of the same player show the same balance and inventory; an admin grant shows once in each', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page: tabA } = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(tabA, fx.server.url, 'twotabs');
  // Same browser profile: the second tab is the same signed-in player.
  const tabB = await context.newPage();
  await tabB.goto(fx.server.url);
  await tabB.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  assert.equal(await tabB.evaluate(() => JSON.parse(localStorage.getItem('coffer.session')!).userId), userId);

  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 250, reason: 'welcome gift' }));
  for (const tab of [tabA, tabB]) {
    // Playwright's clicks wait for animation frames, which a background tab does not get.
    await tab.bringToFront();
    await waitForBalance(tab, 250);
    await tab.getByTestId('toast').filter({ hasText: 'An admin granted you +250 gold (welcome gift)' }).waitFor();
  }

  await tabA.bringToFront();
  await tabA.getByLabel('RPS bet (gold)').fill('20');
  await tabA.getByRole('button', { name: 'Paper' }).click();
  await tabA.getByTestId('rps-result').waitFor();
  const afterRps = await serverView(admin, userId);
  await waitForBalance(tabA, afterRps.balance);
  await waitForBalance(tabB, afterRps.balance);

  await tabB.bringToFront();
  await tabB.getByRole('button', { name: 'Shop' }).click();
  await tabB.getByRole('button', { name: /^Buy Mana potion for 60 gold$/ }).click();
  await tabB.getByTestId('inventory').getByText('mana-potion × 1').waitFor();
  await tabA.bringToFront();
  await tabA.getByRole('button', { name: 'Shop' }).click();
  await tabA.getByTestId('inventory').getByText('mana-potion × 1').waitFor();
  await waitForBalance(tabA, afterRps.balance - 60);
  assert.equal((await serverView(admin, userId)).balance, afterRps.balance - 60);

  for (const tab of [tabA, tabB]) {
    assert.equal(await tab.getByTestId('toast').filter({ hasText: 'An admin granted you' }).count(), 1);
  }
  await context.close();
  await admin.leave();
});

test('tasks created and taken by others appear live on the board', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page } = await newPlayerPage(chrome.browser());
  await signInAsGuest(page, fx.server.url, 'watcher');
  await page.getByRole('button', { name: 'Tasks' }).click();
  const { task } = expectAck(await admin.send(AdminCommandType.taskCreate, { title: 'Fix the fence', bountyGold: 30, bountyXp: 5 }));
  await page.getByRole('button', { name: 'Accept Fix the fence' }).waitFor();
  await page.getByTestId('toast').filter({ hasText: 'New task on the board: Fix the fence (30 gold).' }).waitFor();

  const other = await signInGuest(fx.server.url, 'rival');
  const rivalBoard = await joinRoom(fx.server.url, other.token, RoomName.board, BoardState, { board: 'main' });
  expectAck(await rivalBoard.send(BoardCommandType.taskAccept, { taskId: task.id }));
  const row = page.locator('[data-task-title="Fix the fence"]');
  await row.getByText('accepted by another player').waitFor();
  assert.equal(await row.getByRole('button').count(), 0);
  await rivalBoard.leave();
  await context.close();
  await admin.leave();
});

test('a dropped connection shows the banner; after it comes back, missed events arrive once and the balance is the server’s', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page } = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(page, fx.server.url, 'offline');
  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 100, reason: 'before the drop' }));
  await page.getByTestId('toast').filter({ hasText: 'before the drop' }).waitFor();

  // The network goes away (new connections fail) and the open sockets die with it.
  await context.setOffline(true);
  await page.evaluate(() => window.cofferDropSockets!());
  await page.getByTestId('connection-banner').filter({ hasText: 'Connection lost' }).waitFor();
  await page.getByTestId('connection-state').filter({ hasText: 'Reconnecting' }).waitFor();
  await screenshot(page, 'offline-banner');

  // While the player is away, the server moves their balance.
  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 40, reason: 'while you were away' }));
  // A command issued offline waits (its button disabled) and goes out once the room is back.
  const claim = page.getByRole('button', { name: 'Claim daily reward' });
  await claim.click();
  await page.getByRole('button', { name: 'Claiming…' }).and(page.locator(':disabled')).waitFor();

  await context.setOffline(false);
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'Day 1: +100 gold.' }).waitFor();
  const server = await serverView(admin, userId);
  assert.equal(server.balance, 240);
  assert.equal(server.ledger.filter((t) => t.reason === 'streak.claim').length, 1);
  await waitForBalance(page, server.balance);
  await page.getByTestId('toast').filter({ hasText: 'while you were away' }).waitFor();
  assert.equal(await page.getByTestId('toast').filter({ hasText: 'before the drop' }).count(), 1);
  assert.equal(await page.getByTestId('toast').filter({ hasText: 'while you were away' }).count(), 1);
  await page.getByRole('button', { name: 'Feed' }).click();
  assert.equal(await page.getByTestId('feed').getByText('An admin granted you').count(), 2);
  await context.close();
  await admin.leave();
});
