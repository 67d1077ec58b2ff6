// Every player screen at 360 px (labelled controls, no sideways scrolling, a screenshot each), a
// keyboard-only game, the crash table, and a result verified in the browser with verifyProof.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverFixture } from '../support/fixture.ts';
import { accessibilityProblems, adminConnection, browserFixture, focusIsVisible, newPlayerPage, PHONE, screenshot, serverView, signInAsGuest, tabTo, waitForBalance, watchForProblems } from '../support/browser.ts';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { expectAck } from '../support/client.ts';

const fx = serverFixture('coffer_browser_screens', { CRASH_BETTING_MS: '4000', CRASH_PAUSE_MS: '300', CRASH_GROWTH_PER_SECOND: '1' });
const chrome = browserFixture();

const SCREENS = ['Games', 'Crash', 'Shop', 'Exchange', 'Tasks', 'Feed', 'Fairness'];

test('at 360 px every screen has labelled controls and no sideways scrolling', async () => {
  const { context, page } = await newPlayerPage(chrome.browser(), PHONE);
  await page.goto(fx.server.url);
  assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false });
  await screenshot(page, 'phone-sign-in');
  await signInAsGuest(page, fx.server.url, 'phone-player-with-a-long-name');
  for (const screen of SCREENS) {
    await page.getByRole('button', { name: screen, exact: true }).click();
    await page.getByRole('button', { name: screen, exact: true }).and(page.locator('[aria-current="page"]')).waitFor();
    assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false }, `screen ${screen}`);
    await screenshot(page, `phone-${screen.toLowerCase()}`);
  }
  await context.close();
});

test('a new player opening the client and every screen: no failed request, no console error or warning', async () => {
  const { context, page } = await newPlayerPage(chrome.browser());
  const problems = watchForProblems(page);
  await signInAsGuest(page, fx.server.url, 'tidy');
  for (const screen of SCREENS) {
    await page.getByRole('button', { name: screen, exact: true }).click();
    await page.getByRole('button', { name: screen, exact: true }).and(page.locator('[aria-current="page"]')).waitFor();
  }
  assert.deepEqual(problems, []);
  // Headless Chromium does not ask for a favicon, a browser does: /favicon.ico, a 404 and a console
  // error on every first visit, unless the page names its icon.
  assert.match((await page.locator('link[rel="icon"]').getAttribute('href')) ?? '', /^data:image\/svg\+xml,/);
  await context.close();
});

test('keyboard only: sign in, claim the streak and play rock-paper-scissors, with a visible focus ring', async () => {
  const { context, page } = await newPlayerPage(chrome.browser());
  await page.goto(fx.server.url);
  await tabTo(page, /^Display name$/);
  assert.ok(await focusIsVisible(page));
  await page.keyboard.type('keys');
  await page.keyboard.press('Enter');
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();

  await tabTo(page, /^Claim daily reward$/);
  assert.ok(await focusIsVisible(page));
  await page.keyboard.press('Enter');
  await waitForBalance(page, 100);

  await tabTo(page, /^RPS bet \(gold\)$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('25');
  await tabTo(page, /^Scissors$/);
  assert.ok(await focusIsVisible(page));
  await page.keyboard.press('Enter');
  const result = (await page.getByTestId('rps-result').textContent())!;
  assert.match(result, /your scissors against (rock|paper|scissors)/);
  const expected = result.startsWith('You win') ? 125 : result.startsWith('Draw') ? 100 : 75;
  await waitForBalance(page, expected);
  await screenshot(page, 'keyboard-rps');
  await context.close();
});

test('a refused command shows the server’s sentence naming the field, and nothing changes', async () => {
  const { context, page } = await newPlayerPage(chrome.browser());
  await signInAsGuest(page, fx.server.url, 'refused');
  await page.getByLabel('Slot bet (gold)').fill('2.5');
  await page.getByRole('button', { name: 'Spin' }).click();
  await page.getByRole('alert').filter({ hasText: 'bet must be a whole number between 1 and 1000000' }).waitFor();
  await page.getByLabel('Slot bet (gold)').fill('5');
  await page.getByRole('button', { name: 'Spin' }).click();
  await page.getByRole('alert').filter({ hasText: 'bet of 5 is more than your balance of 0' }).waitFor();
  await waitForBalance(page, 0);
  await context.close();
});

test('a game result is verified in the browser after the server seed is revealed', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page } = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(page, fx.server.url, 'prover');
  // Enough for a 10 RPS bet and a 10-pull (1,000) whatever the RPS outcome.
  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 2000, reason: 'stake' }));
  await waitForBalance(page, 2000);
  await page.getByRole('button', { name: 'Rock' }).click();
  await page.getByTestId('rps-result').waitFor();
  await page.getByRole('button', { name: 'Pull 10 times' }).click();
  await page.getByTestId('gacha-items').getByRole('listitem').nth(9).waitFor();
  await page.getByRole('button', { name: 'Fairness', exact: true }).click();
  await page.getByLabel('New client seed (reveals the current server seed)').fill('my-own-seed');
  await page.getByRole('button', { name: 'Reveal and rotate' }).click();
  await page.getByLabel('Revealed server seed').and(page.locator(':not([value=""])')).waitFor();
  for (const game of ['RPS', 'Gacha']) {
    await page.getByRole('button', { name: new RegExp(`^Verify ${game}`) }).click();
  }
  await page.getByTestId('proof-verdict').nth(1).waitFor();
  const verdicts = await page.getByTestId('proof-verdict').allTextContents();
  assert.equal(verdicts.length, 2);
  for (const v of verdicts) assert.match(v, /✔ Verified: the outcome follows from the seeds\./);
  // A wrong seed is caught by the same function.
  await page.getByLabel('Revealed server seed').fill('not-the-seed');
  await page.getByRole('button', { name: /^Verify RPS/ }).click();
  await page.getByTestId('proof-verdict').filter({ hasText: '✘ Not verified: the revealed server seed does not hash to serverSeedHash' }).waitFor();
  await screenshot(page, 'fairness');
  await context.close();
  await admin.leave();
});

test('crash: a bet during betting, the live multiplier, and the balance the server settles', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page } = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(page, fx.server.url, 'crasher');
  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 500, reason: 'stake' }));
  await waitForBalance(page, 500);
  await page.getByRole('button', { name: 'Crash', exact: true }).click();
  await page.getByLabel('Crash bet (gold)').fill('50');
  const placeBet = page.getByRole('button', { name: 'Place bet' });
  await placeBet.and(page.locator(':enabled')).waitFor();
  await placeBet.click();
  const placed = (await page.getByRole('status').filter({ hasText: /^Bet 50 gold on round \d+\.$/ }).textContent())!;
  const round = Number(/round (\d+)/.exec(placed)![1]);
  await waitForBalance(page, 450);
  // The round runs (the multiplier climbs) or crashes at once; either way it ends and settles. (On
  // a loaded machine a round that crashes at 1.00x can pass between two renders: the next round's
  // betting counts too.)
  await page.getByTestId('crash-phase').filter({ hasText: new RegExp(`Round (${round}: (Running|Crashed)|${round + 1}:)`) }).waitFor();
  await screenshot(page, 'crash');
  const cashOut = page.getByRole('button', { name: 'Cash out' });
  if (await cashOut.isEnabled()) {
    await cashOut.click();
    // Either it is paid, or the round crashed first and the server says so in a sentence.
    await page.getByRole('status').filter({ hasText: /^Cashed out at \d+\.\d\dx: \d+ gold\.$/ }).or(page.getByRole('alert')).first().waitFor();
  }
  await page.getByTestId('crash-phase').filter({ hasText: new RegExp(`Round ${round + 1}:`) }).waitFor();
  const server = await serverView(admin, userId);
  await waitForBalance(page, server.balance);
  assert.ok(server.ledger.some((t) => t.reason === 'crash.bet' && t.amount === 50));
  await page.getByRole('button', { name: `Verify round ${round}` }).click();
  await page.getByRole('status').filter({ hasText: '✔ verified' }).waitFor();
  await context.close();
  await admin.leave();
});
