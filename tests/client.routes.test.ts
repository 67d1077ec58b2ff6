// The server serves the built client at / and /assets/*, and the shop catalog at /shop, without
// shadowing its own routes.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildClient } from '../client/build.ts';
import { serverFixture } from './support/fixture.ts';
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

test('GET /shop lists the catalog the shop sells from', async () => {
  const res = await fetch(`${fx.server.url}/shop`);
  assert.equal(res.status, 200);
  const { items } = (await res.json()) as { items: { itemId: string; price: number; stock: number | null; active: boolean }[] };
  const potion = items.find((i) => i.itemId === 'health-potion');
  assert.deepEqual(potion, { itemId: 'health-potion', name: 'Health potion', price: 50, stock: null, active: true });
  assert.equal(items.find((i) => i.itemId === 'retired-hat')?.active, false);
});
