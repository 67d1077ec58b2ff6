// The shop in the browser under an economy file with gems and a bundle (ECONOMY_FILE): each offer
// with its price in its currency, what a bundle grants, the stock left, the per-player limit against
// what this player bought, and the sale window; an ended sale is not listed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import type { Economy, ShopOffer } from '../../shared/economy.ts';
import { defaultEconomy } from '../../server/economy/defaultEconomy.ts';
import { expectAck } from '../support/client.ts';
import { serverFixture } from '../support/fixture.ts';
import { adminConnection, browserFixture, newPlayerPage, screenshot, signInAsGuest, waitForBalance } from '../support/browser.ts';

const offer = (o: Partial<ShopOffer> & Pick<ShopOffer, 'name' | 'price' | 'grants'>): ShopOffer => ({ stock: null, perPlayer: null, startsAt: null, endsAt: null, ...o });
const economy: Economy = structuredClone(defaultEconomy);
economy.currencies.gems = { name: 'Gems', premium: true };
Object.assign(economy.shop, {
  'gem-sword': offer({ name: 'Gem sword', price: { currency: 'gems', amount: 30 }, grants: { items: { 'gem-sword': 1 } } }),
  'starter-pack': offer({ name: 'Starter pack', price: { currency: 'gold', amount: 200 }, grants: { items: { 'health-potion': 3, 'mana-potion': 2 }, currencies: { gems: 25 } }, perPlayer: 2, endsAt: '2999-01-01T00:00:00Z' }),
  'future-sale': offer({ name: 'Future sale', price: { currency: 'gold', amount: 5 }, grants: { items: { 'health-potion': 1 } }, startsAt: '2999-01-01T00:00:00Z' }),
  'past-sale': offer({ name: 'Past sale', price: { currency: 'gold', amount: 5 }, grants: { items: { 'health-potion': 1 } }, endsAt: '2000-01-01T00:00:00Z' }),
});
const file = path.join(mkdtempSync(path.join(tmpdir(), 'coffer-browser-shop-')), 'economy.json');
writeFileSync(file, JSON.stringify(economy));

const fx = serverFixture('coffer_browser_shop', { ECONOMY_FILE: file });
const chrome = browserFixture();

test('the shop shows prices in their currencies, bundles, stock, limits and sale windows, and a limit reached disables its offer', async () => {
  const admin = await adminConnection(fx.server.url);
  const { context, page } = await newPlayerPage(chrome.browser());
  const userId = await signInAsGuest(page, fx.server.url, 'shopper');
  expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 500, reason: 'shopping money' }));
  await waitForBalance(page, 500);
  await page.getByRole('button', { name: 'Shop', exact: true }).click();

  const line = (itemId: string) => page.locator(`[data-offer="${itemId}"]`);
  await line('gem-sword').getByText('Gem sword — 30 gems').waitFor();
  await line('golden-crown').getByText('Golden crown — 5000 gold · 5 left').waitFor();
  await line('starter-pack').getByText('Starter pack — 200 gold · grants 3 × health-potion, 2 × mana-potion, 25 gems · bought 0 of 2 per player · until 2999-01-01 00:00 UTC').waitFor();
  await line('future-sale').getByText('· on sale from 2999-01-01 00:00 UTC').waitFor();
  assert.equal(await line('future-sale').getByRole('button').isDisabled(), true, 'not on sale yet');
  assert.equal(await line('past-sale').count(), 0, 'an ended sale is not listed');
  await screenshot(page, 'shop-economy');

  const buyPack = page.getByRole('button', { name: 'Buy Starter pack for 200 gold' });
  await buyPack.click();
  await line('starter-pack').getByText('bought 1 of 2 per player').waitFor();
  await buyPack.click();
  await line('starter-pack').getByText('bought 2 of 2 per player').waitFor();
  await waitForBalance(page, 100);
  assert.equal(await buyPack.isDisabled(), true, 'the limit is reached');
  await page.getByTestId('inventory').getByText('health-potion × 6').waitFor();
  await context.close();
  await admin.leave();
});
