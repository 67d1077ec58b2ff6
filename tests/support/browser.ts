// Browser tests: the client built by client/build.ts, served by a real Coffer server, driven in
// headless Chromium (Debian's /usr/bin/chromium) with playwright-core. Screenshots go to
// test-artifacts/screens/ (git-ignored).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildClient } from '../../client/build.ts';
import { AdminCommandType, type UserView } from '../../shared/adminCommands.ts';
import { RoomName } from '../../shared/protocol.ts';
import { AdminState } from '../../shared/state.ts';
import { CHROMIUM_PATH } from './chromium.ts';
import { expectAck, joinRoom, signInAdmin, type PlayerConnection } from './client.ts';
import { ROOT, TEST_ADMIN_PASSWORD } from './server.ts';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-artifacts', 'screens');

// Without the background-networking flags Chromium waits on the closed network at start.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

/** Builds the client and starts Chromium once for the test file; closes it after. */
export function browserFixture(): { browser(): Browser } {
  let browser: Browser | undefined;
  before(async () => {
    await buildClient();
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });
  return {
    browser: () => {
      if (!browser) throw new Error('the browser is not started yet');
      return browser;
    },
  };
}

/** A fresh browser profile (its own localStorage: a different person) with one page. */
export async function newPlayerPage(browser: Browser, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // A page error is a failed test, not something to find in a screenshot later.
  page.on('pageerror', (error) => {
    throw error;
  });
  return { context, page };
}

/** Signs in as a guest through the form; resolves with the user id once the balance shows. */
export async function signInAsGuest(page: Page, baseUrl: string, name: string): Promise<string> {
  await page.goto(baseUrl);
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Play' }).click();
  await page.getByTestId('connection-state').filter({ hasText: 'Online' }).waitFor();
  return page.evaluate(() => JSON.parse(localStorage.getItem('coffer.session')!).userId as string);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Waits until the header shows `balance` of `currency` (as the client formats it); gold's is the protocol-1 `balance`. */
export async function waitForBalance(page: Page, balance: number, currency = 'gold'): Promise<void> {
  await page.getByTestId(currency === 'gold' ? 'balance' : `balance-${currency}`).filter({ hasText: new RegExp(`^${balance.toLocaleString('en')}$`) }).waitFor();
}

/** Signs in as the admin through the form; resolves once the admin room's figures show. */
export async function signInAsAdmin(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Admin password').fill(TEST_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await page.getByTestId('admin-figures').filter({ hasText: /connected/ }).waitFor();
}

/** Collects the page's console errors and warnings, failed requests and HTTP errors, from now on. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
  return problems;
}

/** An admin over the SDK (not the browser): test setup and the server's view of a player. */
export async function adminConnection(baseUrl: string): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(baseUrl, TEST_ADMIN_PASSWORD);
  return joinRoom(baseUrl, session.token, RoomName.admin, AdminState);
}

export async function serverView(admin: PlayerConnection<AdminState>, userId: string): Promise<UserView> {
  return expectAck(await admin.send(AdminCommandType.userGet, { userId }));
}

/** Presses Tab until the focused control's accessible name matches; fails after `limit` presses. */
export async function tabTo(page: Page, name: RegExp, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(focusedName);
    if (name.test(focused)) return;
  }
  throw new Error(`no control named ${name} was reached with ${limit} Tab presses`);
}

function focusedName(): string {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return '';
  const input = el as HTMLInputElement;
  return (el.getAttribute('aria-label') ?? input.labels?.[0]?.textContent ?? el.textContent ?? '').trim();
}

/** Whether the focused control draws a visible focus ring. */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}

/** Controls without an accessible name, and whether the page scrolls sideways. */
export async function accessibilityProblems(page: Page): Promise<{ unlabelled: string[]; overflowsSideways: boolean }> {
  return page.evaluate(() => {
    const unlabelled: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, input, textarea, select, a[href], progress'))) {
      const input = el as HTMLInputElement;
      const name = el.getAttribute('aria-label') ?? input.labels?.[0]?.textContent ?? el.textContent ?? '';
      if (!name.trim()) unlabelled.push(el.outerHTML.slice(0, 120));
    }
    return { unlabelled, overflowsSideways: document.documentElement.scrollWidth > window.innerWidth };
  });
}
