// Guest sign-ups an admin authorises (docs/PROTOCOL.md, "Authentication (HTTP)"): POST /auth/guest
// with an admin's bearer token is not counted against the address' GUEST_SIGNUPS_PER_HOUR, so the
// load kit, signed in as the admin, runs again and again from one machine against a server on the
// default per-address limits; anonymous sign-ups stay limited, and a bearer that is not an admin's
// is refused. The server runs the defaults of every per-address limit, as `npm start` does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../load/node/runScenario.ts';
import { scenarios } from '../load/scenario/index.ts';
import { serverFixture } from './support/fixture.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

const fx = serverFixture('coffer_admin_signups', {
  // Sign-ups "through a proxy" on loopback with made-up addresses, so a test has its own budget;
  // a request without X-Forwarded-For (the load runs) counts under loopback itself.
  TRUSTED_PROXIES: '127.0.0.1,::1',
  GUEST_SIGNUPS_PER_HOUR: '',
  MAX_CONNECTIONS_PER_ADDRESS: '',
  ADDRESS_COMMANDS_PER_SECOND: '',
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fx.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function adminToken(): Promise<string> {
  const res = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': '203.0.113.200' });
  assert.equal(res.status, 200);
  return ((await res.json()) as { token: string }).token;
}

test('25 guest sign-ups an admin authorises from one address all succeed; that address still has its 20 anonymous ones, and the 21st is 429', async () => {
  const from = '203.0.113.1';
  const authorization = `Bearer ${await adminToken()}`;
  const users = new Set<string>();
  for (let i = 0; i < 25; i++) {
    const res = await post('/auth/guest', { displayName: `load-${i}` }, { 'x-forwarded-for': from, authorization });
    assert.equal(res.status, 200, `admin-authorised sign-up ${i + 1}: ${res.status} ${await res.clone().text()}`);
    const body = (await res.json()) as { userId: string; displayName: string; token: string };
    assert.equal(body.displayName, `load-${i}`);
    users.add(body.userId);
  }
  assert.equal(users.size, 25, 'each is a new guest');
  for (let i = 0; i < 20; i++) assert.equal((await post('/auth/guest', {}, { 'x-forwarded-for': from })).status, 200, `anonymous sign-up ${i + 1}`);
  const refused = await post('/auth/guest', {}, { 'x-forwarded-for': from });
  assert.equal(refused.status, 429);
  assert.equal(((await refused.json()) as { code: string }).code, 'RATE_LIMITED');
});

test('a player token, a garbage bearer or another scheme in Authorization is refused naming the header, not taken for an anonymous sign-up', async () => {
  const from = '203.0.113.2';
  const player = (await (await post('/auth/guest', {}, { 'x-forwarded-for': from })).json()) as { token: string };
  const cases: Array<[authorization: string, status: number, code: string]> = [
    [`Bearer ${player.token}`, 403, 'FORBIDDEN'],
    ['Bearer not-a-token', 401, 'UNAUTHORIZED'],
    [`Bearer ${(await adminToken()).slice(0, -2)}xx`, 401, 'UNAUTHORIZED'],
    [`Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`, 401, 'UNAUTHORIZED'],
    ['', 401, 'UNAUTHORIZED'],
  ];
  for (const [authorization, status, code] of cases) {
    const res = await post('/auth/guest', {}, { 'x-forwarded-for': from, authorization });
    const body = (await res.json()) as { code: string; message: string; token?: string };
    assert.equal(res.status, status, `${JSON.stringify(authorization.slice(0, 12))}: ${JSON.stringify(body)}`);
    assert.equal(body.code, code);
    assert.match(body.message, /Authorization header/);
    assert.equal(body.token, undefined, 'no account for a refused header');
  }
});

test('the load kit (Node runner) runs the players scenario three times in a row against the default sign-up limit with ADMIN_PASSWORD; without it the limit holds and the refusal says to set ADMIN_PASSWORD', async () => {
  // 8 guests a run from loopback: the third run would be past the 20 anonymous sign-ups.
  for (let run = 1; run <= 3; run++) {
    const logged: string[] = [];
    const summary = await runScenario(scenarios.players, { BASE_URL: fx.server.url, VUS: '8', COMMANDS: '3', DURATION: '30s', THINK_MS: '0', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }, { log: (m) => logged.push(m) });
    assert.equal(summary.counters.coffer_setup_errors, 0, `run ${run}: ${logged.join('; ')}`);
    assert.equal(summary.checks.byName['guest sign-in']?.passes, 8);
    assert.ok(summary.ok, `run ${run}: ${JSON.stringify(summary.thresholds)} ${logged.join('; ')}`);
  }
  // None of the 24 was counted: loopback still has exactly its 20 anonymous sign-ups.
  const logged: string[] = [];
  const anonymous = await runScenario(scenarios.players, { BASE_URL: fx.server.url, VUS: '21', COMMANDS: '1', DURATION: '30s', THINK_MS: '0' }, { log: (m) => logged.push(m) });
  assert.deepEqual(anonymous.checks.byName['guest sign-in'], { passes: 20, fails: 1 });
  assert.equal(anonymous.ok, false);
  assert.ok(logged.some((m) => /POST \/auth\/guest answered 429: RATE_LIMITED .*set ADMIN_PASSWORD/.test(m)), logged.join('\n'));
});
