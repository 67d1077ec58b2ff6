// The economy in the browser, at desktop and phone widths, with no console error: the admin's
// editor refuses a bad document pointing at each path (the line highlighted), shows the changes
// against the current version, publishes gems; the player's header then shows both currencies, the
// player exchanges gold for gems and rolls the dice in gems, the admin grants gems from the panel
// and rolls back from the history. A real game's document, larger than a WebSocket message may
// be, is checked and published from the editor too (over POST /economy), in its author's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import type { Economy, PublicEconomy } from '../../shared/economy.ts';
import { expectAck } from '../support/client.ts';
import { serverFixture } from '../support/fixture.ts';
import {
  accessibilityProblems,
  adminConnection,
  browserFixture,
  DESKTOP,
  newPlayerPage,
  PHONE,
  screenshot,
  serverView,
  signInAsAdmin,
  signInAsGuest,
  waitForBalance,
  watchForProblems,
} from '../support/browser.ts';

const fx = serverFixture('coffer_browser_economy');
const chrome = browserFixture();

/** The document the editor shows, as the editor shows it. */
async function editorDocument(page: Page): Promise<Economy> {
  return JSON.parse(await page.getByLabel('Economy document (JSON)').inputValue()) as Economy;
}

async function currentVersion(page: Page): Promise<number> {
  const text = (await page.getByTestId('economy-version').filter({ hasText: /^Current: version \d+\.$/ }).textContent())!;
  return Number(/\d+/.exec(text)![0]);
}

function withGems(economy: Economy): Economy {
  const next = structuredClone(economy);
  next.currencies.gems = { name: 'Gems', premium: true };
  next.exchange = [
    { from: 'gold', to: 'gems', give: 10, get: 1 },
    { from: 'gems', to: 'gold', give: 1, get: 8 },
  ];
  (next.games.dice as { limits: Record<string, unknown> }).limits.gems = { min: 1, max: 50 };
  next.shop['mana-potion'].price.amount = 40;
  return next;
}

for (const [width, viewport] of [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const) {
  test(`${width}: a bad document is refused at its paths, gems are published after a look at the diff, a player exchanges and plays in gems, and a rollback from the history`, async () => {
    const admin = await adminConnection(fx.server.url);
    const editor = await newPlayerPage(chrome.browser(), viewport);
    const player = await newPlayerPage(chrome.browser(), viewport);
    const problems = [editor.page, player.page].map(watchForProblems);
    const userId = await signInAsGuest(player.page, fx.server.url, `spender-${width}`);
    expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 1000, reason: 'stake' }));
    await waitForBalance(player.page, 1000);
    // Before gems exist the header shows gold alone, and the dice card has nothing to pick.
    assert.equal(await player.page.getByTestId('balance-gems').count(), 0);
    assert.equal(await player.page.getByLabel('Dice currency').count(), 0);

    const page = editor.page;
    await signInAsAdmin(page, fx.server.url);
    await page.getByRole('button', { name: 'Economy', exact: true }).click();
    const before = await currentVersion(page);
    const original = await editorDocument(page);
    const area = page.getByLabel('Economy document (JSON)');

    // A syntax error is caught before the server is asked, at its line.
    await area.fill('{\n  "currencies": {\n}');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('economy-problems').getByText(/not valid JSON at line 3/).waitFor();

    // A document the server refuses: every problem listed at its path, its line marked.
    const bad = withGems(original);
    bad.shop['mana-potion'].price.amount = 0;
    delete (bad.currencies as Record<string, unknown>).gems;
    await area.fill(JSON.stringify(bad, null, 2));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const listed = page.getByTestId('economy-problems');
    await listed.getByText('shop.mana-potion.price.amount', { exact: true }).waitFor();
    const problemsText = (await listed.textContent())!;
    assert.match(problemsText, /shop\.mana-potion\.price\.amount: must be a whole number/);
    assert.match(problemsText, /games\.dice\.limits\.gems/, 'a currency the document does not define is named where it is used');
    const marked = await page.locator('.json-backdrop mark').allTextContents();
    // (The amount's line may end with a comma, whatever order the document's keys are in.)
    const isBadAmount = (line: string) => /^"amount": 0,?$/.test(line.trim());
    assert.ok(marked.some(isBadAmount), `the line of the bad amount is highlighted: ${JSON.stringify(marked)}`);
    // Its line button selects that line in the text.
    await listed.locator('li', { hasText: 'shop.mana-potion.price.amount' }).getByRole('button').click();
    const selected = await area.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.ok(isBadAmount(selected), selected);
    assert.equal(await page.getByRole('button', { name: 'Publish', exact: true }).isDisabled(), true);
    await screenshot(page, `${width}-economy-problems`);

    // A good document: the changes against the current version, then publish.
    await area.fill(JSON.stringify(withGems(original), null, 2));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const changes = page.getByTestId('economy-changes');
    await changes.getByText('shop.mana-potion.price.amount', { exact: true }).waitFor();
    const changesText = (await changes.textContent())!;
    assert.match(changesText, /shop\.mana-potion\.price\.amount changed: 60 → 40/);
    assert.match(changesText, /currencies\.gems added: \{"name":"Gems","premium":true\}/);
    assert.match(changesText, /games\.dice\.limits\.gems added/);
    assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false });
    await screenshot(page, `${width}-economy-diff`);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Published your document as version ${before + 1}.` }).waitFor();
    await page.getByTestId('economy-version').filter({ hasText: `Current: version ${before + 1}.` }).waitFor();
    const published = (await (await fetch(`${fx.server.url}/economy`)).json()) as PublicEconomy;
    assert.equal(published.version, before + 1);
    assert.deepEqual(published.economy.currencies.gems, { name: 'Gems', premium: true });

    // The player: opening a screen fetches the new economy; the header shows both currencies.
    await player.page.bringToFront();
    await player.page.getByRole('button', { name: 'Exchange', exact: true }).click();
    await waitForBalance(player.page, 0, 'gems');
    await waitForBalance(player.page, 1000);
    assert.deepEqual(await player.page.locator('.stats dt').allTextContents(), ['Gold', 'Gems', 'Level', 'XP']);

    // An exchange: the rate and the quote, then the server's answer in the header.
    await player.page.getByLabel('Give', { exact: true }).selectOption('gold');
    await player.page.getByLabel('Get', { exact: true }).selectOption('gems');
    await player.page.getByTestId('exchange-rate').filter({ hasText: 'Rate: 10 gold for 1 gems, rounded down.' }).waitFor();
    await player.page.getByLabel('Amount to give (gold)').fill('255');
    await player.page.getByTestId('exchange-quote').filter({ hasText: 'You would get 25 gems.' }).waitFor();
    await player.page.getByRole('button', { name: 'Exchange gold for gems' }).click();
    await player.page.getByRole('status').filter({ hasText: 'Exchanged 255 gold for 25 gems.' }).waitFor();
    await waitForBalance(player.page, 25, 'gems');
    await waitForBalance(player.page, 745);
    // Too much is refused with the server's sentence, and nothing moves.
    await player.page.getByLabel('Amount to give (gold)').fill('5000');
    await player.page.getByRole('button', { name: 'Exchange gold for gems' }).click();
    await player.page.getByRole('alert').filter({ hasText: 'amount of 5000 is more than your balance of 745' }).waitFor();
    await waitForBalance(player.page, 745);
    assert.deepEqual(await accessibilityProblems(player.page), { unlabelled: [], overflowsSideways: false });
    await screenshot(player.page, `${width}-exchange`);

    // The dice in gems: the card offers the currencies its limits list.
    await player.page.getByRole('button', { name: 'Games', exact: true }).click();
    await player.page.getByLabel('Dice currency').selectOption('gems');
    await player.page.getByLabel('Dice bet (gems)').fill('5');
    await player.page.getByLabel('Target (1–98)').fill('50');
    await player.page.getByRole('button', { name: 'Roll' }).click();
    const rolled = (await player.page.getByTestId('dice-result').textContent())!;
    const payout = /You win (\d+) gems\./.exec(rolled)?.[1];
    assert.match(rolled, /^Rolled \d{1,4}\. (You win \d+ gems\.|No win\.)$/);
    await waitForBalance(player.page, 25 - 5 + Number(payout ?? 0), 'gems');
    await waitForBalance(player.page, 745);
    // The server's record: the play in gems under the version just published, its stats apart from gold's.
    const view = await serverView(admin, userId);
    assert.deepEqual(view.stats['dice:gems'], { played: 1, won: payout ? 1 : 0, wagered: 5, paidOut: Number(payout ?? 0) });
    assert.equal(view.stats.dice, undefined);
    const bet = view.ledger.find((t) => t.reason === 'game.dice.bet');
    assert.deepEqual(bet && { amount: bet.amount, currency: bet.currency, economyVersion: bet.economyVersion }, { amount: 5, currency: 'gems', economyVersion: before + 1 });
    assert.deepEqual(view.wallet, { gold: 745, gems: 25 - 5 + Number(payout ?? 0) });
    assert.deepEqual(await accessibilityProblems(player.page), { unlabelled: [], overflowsSideways: false });
    await screenshot(player.page, `${width}-games-in-gems`);

    // The admin grants gems from the panel: the grant form offers the economy's currencies.
    const gems = 25 - 5 + Number(payout ?? 0);
    await page.bringToFront();
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByLabel('Player id', { exact: true }).fill(userId);
    await page.getByLabel('Currency', { exact: true }).selectOption('gems');
    await page.getByLabel('Amount (negative debits)').fill('3');
    await page.getByLabel('Reason', { exact: true }).fill('gift');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: `Done: ${userId} now has ${gems + 3} gems.` }).waitFor();
    await player.page.bringToFront();
    await player.page.getByTestId('toast').filter({ hasText: `An admin granted you +3 gems (gift). Balance ${gems + 3} gems.` }).waitFor();
    await waitForBalance(player.page, gems + 3, 'gems');

    // A rollback: the history shows the old version with what publishing it again would change.
    await page.bringToFront();
    await page.getByRole('button', { name: 'Economy', exact: true }).click();
    await page.getByRole('button', { name: `View version ${before}` }).click();
    const viewing = page.getByTestId('economy-viewing');
    await viewing.getByText(`Version ${before}`, { exact: true }).waitFor();
    assert.match((await viewing.getByTestId('economy-changes').textContent())!, /currencies\.gems removed/);
    assert.match((await viewing.getByTestId('economy-changes').textContent())!, /shop\.mana-potion\.price\.amount changed: 40 → 60/);
    await screenshot(page, `${width}-economy-history`);
    await viewing.getByRole('button', { name: `Publish version ${before} again` }).click();
    await page.getByRole('status').filter({ hasText: `Published version ${before} again as version ${before + 2}.` }).waitFor();
    await page.getByTestId('economy-version').filter({ hasText: `Current: version ${before + 2}.` }).waitFor();
    assert.deepEqual(await editorDocument(page), original);
    const rolledBack = (await (await fetch(`${fx.server.url}/economy`)).json()) as PublicEconomy;
    assert.deepEqual({ version: rolledBack.version, economy: rolledBack.economy }, { version: before + 2, economy: original });
    assert.deepEqual(await accessibilityProblems(page), { unlabelled: [], overflowsSideways: false });

    // The one refusal asked for (the bad document's check over POST /economy): the browser reports
    // every 4xx response, and nothing else went wrong.
    const refusedCheck = [`HTTP 400 ${fx.server.url}/economy`, `console error: Failed to load resource: the server responded with a status of 400 () (${fx.server.url}/economy)`];
    assert.deepEqual(problems[0], refusedCheck);
    assert.deepEqual(problems[1], []);
    await editor.context.close();
    await player.context.close();
    await admin.leave();
  });
}

test("a document larger than a WebSocket message (many shop offers) is checked and published from the editor, and reads back in its author's order", async () => {
  const editor = await newPlayerPage(chrome.browser(), DESKTOP);
  const problems = watchForProblems(editor.page);
  const page = editor.page;
  await signInAsAdmin(page, fx.server.url);
  await page.getByRole('button', { name: 'Economy', exact: true }).click();
  const before = await currentVersion(page);
  const large = await editorDocument(page);
  for (let i = 0; i < 120; i++) {
    large.shop[`scroll-${i}`] = { name: `Scroll of the ${i}th kind`, price: { currency: 'gold', amount: 10 + i }, grants: { items: { [`scroll-${i}`]: 1 } }, stock: null, perPlayer: null, startsAt: null, endsAt: null };
  }
  // The author's order, not the schema's: max before min.
  (large.games.dice as { limits: Record<string, unknown> }).limits.gold = { max: 900, min: 3 };
  const text = JSON.stringify(large, null, 2);
  assert.ok(text.length > 16 * 1024, `far over the 4 KB frame limit (${text.length} bytes)`);
  const area = page.getByLabel('Economy document (JSON)');
  await area.fill(text);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.getByTestId('economy-changes').getByText('shop.scroll-119', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Published your document as version ${before + 1}.` }).waitFor();
  await page.getByTestId('economy-version').filter({ hasText: `Current: version ${before + 1}.` }).waitFor();
  // The editor shows the stored version (admin.economy.get) exactly as written.
  assert.equal(await area.inputValue(), text);
  const published = (await (await fetch(`${fx.server.url}/economy/${before + 1}`)).json()) as PublicEconomy;
  assert.deepEqual(published.economy, large);
  assert.equal(await page.getByText('Reconnecting', { exact: false }).count(), 0, 'the admin room stayed connected');
  assert.deepEqual(problems, []);
  await editor.context.close();
});
