// The server serves the built client at / and /assets/*, and the shop catalog at /shop, without
// shadowing its own routes.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildClient } from '../client/build.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import type { ShopCatalog } from '../shared/shop.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { startServer } from './support/server.ts';

const fx = serverFixture('coffer_client_routes');
before(() => buildClient());

test('GET / is the client page; its script and stylesheet come with their content types', async () => {
  const page = await fetch(`${fx.server.url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/assets\/app\.js"><\/script>/);
  const js = await fetch(`${fx.server.url}/assets/app.js`);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.ok((await js.text()).length > 10_000);
  const css = await fetch(`${fx.server.url}/assets/app.css`);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
});

test('on the ws transport too (where uWS cannot load), the whole client bundle arrives', async () => {
  // The Node adapter never ended a response bigger than its high-water mark: app.js hung forever.
  const server = await startServer({ DATABASE_URL: fx.db.url, TRANSPORT: 'ws' });
  try {
    for (const file of ['/', '/assets/app.js', '/assets/app.css']) {
      const res = await fetch(`${server.url}${file}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200, file);
      const body = await res.arrayBuffer();
      const local = await fetch(`${fx.server.url}${file}`).then((r) => r.arrayBuffer());
      assert.equal(body.byteLength, local.byteLength, `${file}: the same bytes as on the default transport`);
    }
  } finally {
    await server.stop();
  }
});

test('unknown or escaping asset names are 404, and the server’s own routes still answer', async () => {
  for (const name of ['nope.js', '..%2Fbuild.ts', '%2E%2E%2F%2E%2E%2Fpackage.json', '.hidden.js', 'app.ts']) {
    const res = await fetch(`${fx.server.url}/assets/${name}`);
    assert.equal(res.status, 404, name);
    await res.body?.cancel();
  }
  const live = await fetch(`${fx.server.url}/health/live`);
  assert.deepEqual(await live.json(), { ok: true });
  const metrics = await fetch(`${fx.server.url}/metrics`);
  assert.match(await metrics.text(), /# HELP/);
  const guest = await fetch(`${fx.server.url}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(guest.status, 200);
  await guest.body?.cancel();
});

test('GET /shop lists the offers of the economy in force, each with its currency, grants, stock left, limit and window', async () => {
  const res = await fetch(`${fx.server.url}/shop`);
  assert.equal(res.status, 200);
  const { economyVersion, items } = (await res.json()) as ShopCatalog;
  assert.equal(economyVersion, 1);
  assert.deepEqual(items.map((i) => i.itemId), Object.keys(defaultEconomy.shop).sort(), 'every offer of economy/default.json, by id');
  assert.deepEqual(items.find((i) => i.itemId === 'health-potion'), {
    itemId: 'health-potion', name: 'Health potion', price: 50, currency: 'gold', grants: { items: { 'health-potion': 1 } }, stock: null, perPlayer: null, startsAt: null, endsAt: null, active: true,
  });
  // What is left is the counter in shop_items.
  await queryRows(fx.db.url, `UPDATE shop_items SET stock = 4 WHERE item_id = 'golden-crown'`);
  const again = (await (await fetch(`${fx.server.url}/shop`)).json()) as ShopCatalog;
  assert.equal(again.items.find((i) => i.itemId === 'golden-crown')?.stock, 4);
});
