// Publishing the economy over the wire (docs/PROTOCOL.md "admin room", docs/ECONOMY.md): the public
// versions over HTTP, admin.economy.get, a dry run, a bad document refused naming every path
// (nothing stored, the version unchanged), a publish stored once per id with its audit line,
// and a rollback.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { AdminCommandType, type EconomyView } from '../shared/adminCommands.ts';
import type { Economy, PublicEconomy } from '../shared/economy.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection, type Session } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

const fx = serverFixture('coffer_economy_publish');
let adminSession: Session;
let adminTab: PlayerConnection<AdminState>;

/** The admin's tab, joined by the first test that needs it (the fixture's server starts before the first test). */
async function admin(): Promise<PlayerConnection<AdminState>> {
  adminSession ??= await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  adminTab ??= await joinRoom(fx.server.url, adminSession.token, RoomName.admin, AdminState);
  return adminTab;
}

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fx.server.url}${path}`);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  return { status: response.status, body: await response.json() };
}

const current = async () => (await getJson('/economy')).body as PublicEconomy;
const view = async (): Promise<EconomyView> => expectAck(await (await admin()).send(AdminCommandType.economyGet));
const storedVersions = async () => (await queryRows<{ version: number }>(fx.db.url, 'SELECT version FROM economy_versions ORDER BY version')).map((r) => r.version);

function withPotionPrice(amount: number): Economy {
  const economy = structuredClone(defaultEconomy);
  economy.shop['health-potion']!.price.amount = amount;
  return economy;
}

test('GET /economy serves the version in force; GET /economy/<version> any published one; unknown and malformed versions are clear JSON errors', async () => {
  const now = await current();
  assert.equal(now.version, 1);
  assert.deepEqual(now.economy, defaultEconomy);
  assert.ok(!Number.isNaN(Date.parse(now.publishedAt)));
  assert.deepEqual(Object.keys(now).sort(), ['economy', 'publishedAt', 'version'], 'public: no publisher');
  assert.deepEqual((await getJson('/economy/1')).body, now);

  const unknown = await getJson('/economy/999');
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { code: 'NOT_FOUND', message: 'no economy version 999; the newest is 1', retryable: false });
  for (const bad of ['0', 'abc', '1.5', '-1', '01', '99999999999']) {
    const refused = await getJson(`/economy/${bad}`);
    assert.equal(refused.status, 400, bad);
    assert.equal(refused.body.code, 'INVALID_INPUT');
    assert.match(refused.body.message, /version must be a whole number/);
  }
  assert.equal((await fetch(`${fx.server.url}/economy/1/extra`)).status, 404, 'unknown routes stay 404');
});

test('admin.economy.get: the version in force, its document and every version', async () => {
  const got = await view();
  assert.equal(got.version, 1);
  assert.deepEqual(got.economy, defaultEconomy);
  assert.equal(got.versions.length, 1);
  assert.equal(got.versions[0]!.version, 1);
  assert.equal(got.versions[0]!.publishedBy, 'file:economy/default.json');
});

test('a bad document is refused naming every path, in the message and in details; nothing is stored', async () => {
  const bad = structuredClone(defaultEconomy) as any;
  bad.shop['lucky-charm'].price.currency = 'gems';
  bad.shop['mana-potion'].price.amount = -5;
  bad.exchange = [{ from: 'gold', to: 'gold', give: 1, get: 1 }];
  bad.games.poker = {};
  delete bad.rewards.bounty;
  const expected = ['exchange.0.to', 'games.poker', 'rewards.bounty', 'shop.lucky-charm.price.currency', 'shop.mana-potion.price.amount'];
  for (const dryRun of [false, true]) {
    const refused = expectNack(await (await admin()).send(AdminCommandType.economyPublish, { economy: bad, dryRun }));
    assert.equal(refused.code, 'INVALID_INPUT');
    assert.equal(refused.retryable, false);
    assert.deepEqual(refused.details?.map((d) => d.path).sort(), expected);
    for (const { path, message } of refused.details!) assert.ok(refused.message.includes(`${path}: ${message}`), `the message names ${path}`);
  }
  for (const economy of [[], 'gold', null]) {
    const refused = expectNack(await (await admin()).send(AdminCommandType.economyPublish, { economy }));
    assert.equal(refused.code, 'INVALID_INPUT');
    assert.match(refused.message, /economy must be the whole economy document/);
  }
  assert.deepEqual(await storedVersions(), [1]);
  assert.equal((await current()).version, 1);
  assert.equal((await view()).version, 1);
});

test('a dry run validates only', async () => {
  assert.deepEqual(expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy: withPotionPrice(45), dryRun: true })), { valid: true });
  assert.deepEqual(await storedVersions(), [1]);
});

test('a publish is the next version at once, stored once per id, with its audit line in the same transaction', async () => {
  const id = newId();
  const economy = withPotionPrice(45);
  assert.deepEqual(expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy }, id)), { version: 2 });
  const live = await current();
  assert.equal(live.version, 2, 'in force as soon as the ack arrives');
  assert.equal(live.economy.shop['health-potion']!.price.amount, 45);
  const got = await view();
  assert.equal(got.version, 2);
  assert.deepEqual(got.versions.map((v) => [v.version, v.publishedBy]), [[2, adminSession.userId], [1, 'file:economy/default.json']]);

  assert.deepEqual(expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy }, id)), { version: 2 }, 'the same id again: the same reply');
  assert.equal(expectNack(await (await admin()).send(AdminCommandType.economyPublish, { economy: withPotionPrice(44) }, id)).code, 'IDEMPOTENCY_MISMATCH');
  assert.deepEqual(await storedVersions(), [1, 2]);

  const audit = await queryRows<{ admin: string; result: { ack?: unknown; nack?: { code: string } }; payload: { economy: Economy } }>(
    fx.db.url,
    `SELECT admin, result, payload FROM admin_audit WHERE action = $1 AND command_id = $2 ORDER BY id`,
    [AdminCommandType.economyPublish, id],
  );
  const stored = audit.filter((line) => line.result.ack);
  assert.equal(stored.length, 1, 'one audit line for the stored publish, not one more for its resend');
  assert.equal(stored[0]!.admin, adminSession.userId);
  assert.deepEqual(stored[0]!.result, { ack: { version: 2 } });
  assert.equal(stored[0]!.payload.economy.shop['health-potion']!.price.amount, 45);
  assert.deepEqual(audit.filter((line) => line.result.nack).map((line) => line.result.nack!.code), ['IDEMPOTENCY_MISMATCH'], 'the refused reuse of the id is audited too');
});

test('rolling back is publishing an older version again: a new version with the old document', async () => {
  const old = (await getJson('/economy/1')).body as PublicEconomy;
  const { version } = expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy: old.economy }));
  assert.equal(version, 3);
  const live = await current();
  assert.equal(live.version, 3);
  assert.deepEqual(live.economy, old.economy);
  assert.deepEqual(((await getJson('/economy/2')).body as PublicEconomy).economy.shop['health-potion']!.price.amount, 45, 'version 2 stays readable');
});

test('players cannot publish', async () => {
  const player = await signInGuest(fx.server.url);
  await assert.rejects(joinRoom(fx.server.url, player.token, RoomName.admin, AdminState), /FORBIDDEN/);
  const tab = await joinPlayerRoom(fx.server.url, player.token);
  const refused = expectNack(await tab.send(AdminCommandType.economyPublish, { economy: withPotionPrice(1) }));
  assert.equal(refused.code, 'FORBIDDEN');
  assert.deepEqual(await storedVersions(), [1, 2, 3]);
  await tab.leave();
});

/** A real game's shop: many offers, far more than one WebSocket message (MAX_PAYLOAD_BYTES, 4 KB) carries. */
function withManyOffers(count: number): Economy {
  const economy = structuredClone(defaultEconomy);
  for (let i = 0; i < count; i++) {
    economy.shop[`scroll-${i}`] = { name: `Scroll of the ${i}th kind`, price: { currency: 'gold', amount: 10 + i }, grants: { items: { [`scroll-${i}`]: 1 } }, stock: null, perPlayer: null, startsAt: null, endsAt: null };
  }
  return economy;
}

async function postEconomy(body: unknown, token: string | null = adminSession.token): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fx.server.url}/economy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test('POST /economy publishes a document larger than a WebSocket message, with the command replies, idempotency and audit line', async () => {
  await admin();
  const economy = withManyOffers(150);
  assert.ok(JSON.stringify(economy).length > 16 * 1024, 'well over the 4 KB frame limit');

  assert.deepEqual(await postEconomy({ id: newId(), economy, dryRun: true }), { status: 200, body: { valid: true } });
  assert.deepEqual(await storedVersions(), [1, 2, 3], 'a dry run stores nothing');

  const id = newId();
  assert.deepEqual(await postEconomy({ id, economy }), { status: 200, body: { version: 4 } });
  assert.equal((await current()).economy.shop['scroll-149']!.price.amount, 159, 'in force as soon as the reply arrives');
  assert.deepEqual(await postEconomy({ id, economy }), { status: 200, body: { version: 4 } }, 'the same id again: the same reply');
  const small = withPotionPrice(45);
  assert.equal(expectNack(await (await admin()).send(AdminCommandType.economyPublish, { economy: small }, id)).code, 'IDEMPOTENCY_MISMATCH', 'one idempotency record for both doors');
  assert.deepEqual(await storedVersions(), [1, 2, 3, 4]);
  const audit = await queryRows<{ admin: string; result: unknown }>(fx.db.url, `SELECT admin, result FROM admin_audit WHERE action = $1 AND command_id = $2 AND result ? 'ack'`, [AdminCommandType.economyPublish, id]);
  assert.deepEqual(audit, [{ admin: adminSession.userId, result: { ack: { version: 4 } } }], 'one audit line, as for the command');

  // The same id sent in the room after the HTTP publish gets the HTTP publish's reply.
  const viaRoom = newId();
  assert.deepEqual(await postEconomy({ id: viaRoom, economy: small }), { status: 200, body: { version: 5 } });
  assert.deepEqual(expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy: small }, viaRoom)), { version: 5 });
  assert.deepEqual(await storedVersions(), [1, 2, 3, 4, 5]);
});

test('POST /economy refuses as the command does: every path in details, no token, a player token, a body over the limit', async () => {
  await admin();
  const bad = withManyOffers(150) as any;
  bad.shop['scroll-7'].price.amount = -1;
  bad.exchange = [{ from: 'gold', to: 'gold', give: 1, get: 1 }];
  const refused = await postEconomy({ id: newId(), economy: bad });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.code, 'INVALID_INPUT');
  assert.deepEqual(refused.body.details.map((d: { path: string }) => d.path).sort(), ['exchange.0.to', 'shop.scroll-7.price.amount']);
  assert.equal((await postEconomy({ economy: defaultEconomy })).body.code, 'INVALID_INPUT', 'an id is required, as for the command');
  assert.equal((await postEconomy([1, 2])).status, 400);

  const anonymous = await postEconomy({ id: newId(), economy: defaultEconomy }, null);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, 'UNAUTHORIZED');
  const player = await signInGuest(fx.server.url);
  const asPlayer = await postEconomy({ id: newId(), economy: defaultEconomy }, player.token);
  assert.equal(asPlayer.status, 403);
  assert.equal(asPlayer.body.code, 'FORBIDDEN');

  // A body declared larger than the limit is answered 413 from its headers, before any of it is
  // read: only the headers go out (sending the megabyte as well races the server's answer, and a
  // client may see the connection closed under its upload before it reads the 413).
  const tooLarge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${fx.server.url}/economy`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024), authorization: `Bearer ${adminSession.token}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
  assert.equal(tooLarge.status, 413);
  assert.match((JSON.parse(tooLarge.body) as { message: string }).message, /at most 1048576 bytes/);
  assert.deepEqual(await storedVersions(), [1, 2, 3, 4, 5], 'nothing refused was stored');
});

test("a published document reads back with its keys in the author's order (admin.economy.get, GET /economy/<version>)", async () => {
  const economy = structuredClone(defaultEconomy) as any;
  // Reversed from the schema's order (and jsonb's), at every depth.
  economy.games.dice = { edgePercent: economy.games.dice.edgePercent, limits: { gold: { max: 500, min: 2 } } };
  const reordered = Object.fromEntries(Object.entries(economy).reverse());
  const { version } = expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy: reordered }));
  const served = (await getJson(`/economy/${version}`)).body as PublicEconomy;
  const got = await view();
  for (const read of [served.economy, got.economy] as any[]) {
    assert.deepEqual(Object.keys(read), Object.keys(reordered));
    assert.deepEqual(Object.keys(read.games.dice), ['edgePercent', 'limits']);
    assert.deepEqual(Object.keys(read.games.dice.limits.gold), ['max', 'min']);
  }
  const raw = await fetch(`${fx.server.url}/economy/${version}`).then((r) => r.text());
  assert.ok(raw.indexOf('"max":500') < raw.indexOf('"min":2'), 'the served text too');
});
