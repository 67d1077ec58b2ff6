// The admin panel in the browser, with a player watching in another browser profile: grant, task,
// announcement, user lookup with transfers, audit, kick, ban and ending a player's sessions. (The
// shop's offers are the economy's: tests/browser/economy.test.ts edits and publishes it.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from '../support/fixture.ts';
import { accessibilityProblems, browserFixture, DESKTOP, newPlayerPage, PHONE, screenshot, signInAsGuest, waitForBalance } from '../support/browser.ts';
import { TEST_ADMIN_PASSWORD } from '../support/server.ts';

const fx = serverFixture('coffer_browser_admin');
const chrome = browserFixture();

test('an admin works the panel and the player sees each change live', async () => {
  const player = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(player.page, fx.server.url, 'subject');

  const { context, page } = await newPlayerPage(chrome.browser());
  await page.goto(fx.server.url);
  await page.getByLabel('Admin password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await page.getByRole('alert').filter({ hasText: 'the admin password is wrong' }).waitFor();
  await page.getByLabel('Admin password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await page.getByTestId('admin-figures').filter({ hasText: /connected/ }).waitFor();
  // The device pass is kept for the next sign-in (a stranger's wrong passwords cannot lock it out).
  assert.match(String(await page.evaluate(() => localStorage.getItem('coffer.admin.devicePass'))), /\S{20,}/);

  // Grant: a bad amount is refused with the field named; a good one reaches the player once.
  await page.getByLabel('Player id', { exact: true }).fill(userId);
  await page.getByLabel('Amount (negative debits)').fill('0');
  await page.getByLabel('Reason', { exact: true }).fill('bonus');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('alert').filter({ hasText: /^⚠ amount must be a non-zero whole number/ }).waitFor();
  await page.getByLabel('Amount (negative debits)').fill('300');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('status').filter({ hasText: `Done: ${userId} now has 300 gold.` }).waitFor();
  await player.page.bringToFront();
  await waitForBalance(player.page, 300);
  await player.page.getByTestId('toast').filter({ hasText: 'An admin granted you +300 gold (bonus)' }).waitFor();
  assert.equal(await player.page.getByTestId('toast').filter({ hasText: 'An admin granted you' }).count(), 1);

  await page.bringToFront();
  await page.getByLabel('Task title').fill('Sweep the hall');
  await page.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('button', { name: 'Cancel Sweep the hall' }).waitFor();
  await page.getByLabel('Announcement').fill('Double gold weekend!');
  await page.getByRole('button', { name: 'Send announcement' }).click();
  await page.getByRole('status').filter({ hasText: 'Announced.' }).waitFor();

  await player.page.bringToFront();
  await player.page.getByTestId('toast').filter({ hasText: 'Announcement: Double gold weekend!' }).waitFor();
  await player.page.getByTestId('toast').filter({ hasText: 'New task on the board: Sweep the hall (50 gold).' }).waitFor();
  await player.page.getByRole('button', { name: 'Shop' }).click();
  await player.page.getByRole('button', { name: 'Buy Health potion for 50 gold' }).click();
  await player.page.getByTestId('inventory').getByText('health-potion × 1').waitFor();
  await waitForBalance(player.page, 250);

  await page.bringToFront();
  await page.getByLabel('Player id to look up').fill(userId);
  await page.getByRole('button', { name: 'Look up' }).click();
  const view = page.getByTestId('user-view');
  await view.getByText('250', { exact: true }).waitFor();
  const reasons = await view.locator('tbody tr td:nth-child(5)').allTextContents();
  assert.deepEqual(reasons.sort(), ['admin.grant', 'shop.buy']);

  await page.getByRole('button', { name: 'Run audit' }).click();
  await page.getByTestId('audit-result').filter({ hasText: '✔ Ledger balanced' }).waitFor();
  assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false });
  await screenshot(page, 'admin');
  await page.setViewportSize(PHONE);
  assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false });
  await screenshot(page, 'phone-admin');
  await page.setViewportSize(DESKTOP);

  await page.getByLabel('Kick reason').fill('testing the kick');
  await page.getByRole('button', { name: 'Kick this player' }).click();
  await page.getByRole('status').filter({ hasText: /^Kicked [1-9]\d* connection\(s\)\.$/ }).waitFor();
  await player.page.bringToFront();
  await player.page.getByTestId('connection-banner').filter({ hasText: 'An admin removed you from the server: testing the kick' }).waitFor();
  // A ban and the end of every session.
  await page.bringToFront();
  await page.getByLabel('Ban for minutes (empty: no ban)').fill('10');
  await page.getByRole('button', { name: 'Kick this player' }).click();
  await page.getByRole('status').filter({ hasText: /^Kicked 0 connection\(s\)\. Banned until .+\.$/ }).waitFor();
  await page.getByRole('button', { name: 'End all sessions' }).click();
  await page.getByRole('status').filter({ hasText: /^Ended every session of this player \(0 connection\(s\) closed\); their tokens no longer work\.$/ }).waitFor();
  await context.close();
  await player.context.close();
});
