// The HTTP side of the protocol against real processes: sign-in, health and readiness per
// component (database, Redis), and the Prometheus metrics a command moves.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer as createNetServer } from 'node:net';
import { describe, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { expectAck, joinPlayerRoom, signInGuest } from './support/client.ts';
import { createTestDatabase } from './support/db.ts';
import { serverFixture } from './support/fixture.ts';
import { freePort, startServer, TEST_ADMIN_PASSWORD } from './support/server.ts';

const fx = serverFixture('coffer_http', {});

async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function ready(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: await res.json() };
}

describe('POST /auth/guest', () => {
  test('signs in with a display name', async () => {
    const { status, body } = await post(`${fx.server.url}/auth/guest`, { displayName: 'carol' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['displayName', 'token', 'userId']);
    assert.equal(body.displayName, 'carol');
    assert.match(body.userId, /^[0-9a-f-]{36}$/);
    assert.equal(body.token.split('.').length, 3);
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString('utf8'));
    assert.deepEqual([claims.sub, claims.role, claims.name, claims.exp - claims.iat], [body.userId, 'player', 'carol', 24 * 60 * 60], 'valid 24 hours (docs/PROTOCOL.md)');
  });

  for (const [what, displayName] of [['empty', ''], ['33 characters', 'x'.repeat(33)], ['a number', 42]] as const) {
    test(`refuses a displayName that is ${what} with 400 INVALID_INPUT`, async () => {
      const { status, body } = await post(`${fx.server.url}/auth/guest`, { displayName });
      assert.equal(status, 400);
      assert.equal(body.code, 'INVALID_INPUT');
      assert.match(body.message, /displayName/);
      assert.equal(body.retryable, false);
    });
  }
});

describe('POST /auth/admin', () => {
  test('a wrong password is 401 UNAUTHORIZED', async () => {
    const { status, body } = await post(`${fx.server.url}/auth/admin`, { password: `${TEST_ADMIN_PASSWORD}x` });
    assert.equal(status, 401);
    assert.equal(body.code, 'UNAUTHORIZED');
    assert.equal(body.token, undefined);
  });

  test('the right password gives an admin token with sub, role, name and exp', async () => {
    const { status, body } = await post(`${fx.server.url}/auth/admin`, { password: TEST_ADMIN_PASSWORD });
    assert.equal(status, 200);
    assert.equal(body.role, 'admin');
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(claims.sub, body.userId);
    assert.equal(claims.role, 'admin');
    assert.equal(typeof claims.name, 'string');
    assert.ok(Number.isInteger(claims.exp) && claims.exp * 1000 > Date.now(), 'exp is in the future');
    assert.equal(claims.exp - claims.iat, 24 * 60 * 60, 'valid 24 hours (docs/PROTOCOL.md)');
  });
});

describe('health', () => {
  test('GET /health/live is 200', async () => {
    assert.equal((await fetch(`${fx.server.url}/health/live`)).status, 200);
  });

  test('GET /health/ready reports the database component', async () => {
    const { status, body } = await ready(fx.server.url);
    assert.equal(status, 200);
    assert.deepEqual(body, { ok: true, components: { database: { ok: true } } });
  });

  test('with REDIS_URL set, redis is a component of readiness', async () => {
    const withRedis = await startServer({ DATABASE_URL: fx.db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
    try {
      const { status, body } = await ready(withRedis.url);
      assert.equal(status, 200);
      assert.deepEqual(body.components.redis, { ok: true });
      assert.deepEqual(body.components.database, { ok: true });
    } finally {
      assert.equal(await withRedis.stop(), 0);
    }
  });

  test('a Redis that does not answer at start: the process waits for it, says so, and starts once it answers', async () => {
    // A door in front of the test Redis: first it hangs up on every connection, then it forwards.
    const target = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    let refused = 0;
    let open = false;
    let opened!: () => void;
    const twoRefusals = new Promise<void>((resolve) => (opened = resolve));
    const door = createNetServer((socket) => {
      if (!open) {
        socket.destroy();
        if (++refused === 2) opened();
        return;
      }
      const upstream = connect(Number(target.port || 6379), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    const port = await freePort();
    door.listen(port, '127.0.0.1');
    await once(door, 'listening');
    void twoRefusals.then(() => (open = true));
    const late = await startServer({ DATABASE_URL: fx.db.url, REDIS_URL: `redis://127.0.0.1:${port}`, LOG_LEVEL: 'warn' });
    try {
      assert.ok(refused >= 2, 'it was refused before it started');
      assert.match(late.output(), /waiting for Redis/);
      const { status, body } = await ready(late.url);
      assert.equal(status, 200);
      assert.deepEqual(body.components.redis, { ok: true });
    } finally {
      assert.equal(await late.stop(), 0, 'it shuts down cleanly');
      door.close();
    }
  });

  test('a database with pending migrations is not ready, and says which', async () => {
    const bare = await createTestDatabase('coffer_http_bare');
    try {
      const unmigrated = await startServer({ DATABASE_URL: bare.url }, { waitFor: 'live' });
      try {
        const { status, body } = await ready(unmigrated.url);
        assert.equal(status, 503);
        assert.equal(body.components.database.ok, false);
        assert.match(body.components.database.detail, /pending migrations: \S+/);
      } finally {
        assert.equal(await unmigrated.stop(), 0, 'it shuts down cleanly all the same');
      }
    } finally {
      await bare.drop();
    }
  });
});

describe('GET /metrics', () => {
  test('exposes the Coffer metrics, and a claimed streak counts as one streak.claim ack', async () => {
    const before = await (await fetch(`${fx.server.url}/metrics`)).text();
    for (const name of ['coffer_commands_total', 'coffer_commit_batch_size', 'coffer_commit_seconds', 'coffer_pipeline_queue_depth', 'coffer_clients', 'coffer_rooms']) {
      assert.match(before, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.doesNotMatch(before, /coffer_commands_total\{type="streak\.claim",outcome="ack"\}/);

    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    const afterClaim = await (await fetch(`${fx.server.url}/metrics`)).text();
    assert.match(afterClaim, /^coffer_commands_total\{type="streak\.claim",outcome="ack"\} 1$/m);
    assert.match(afterClaim, /^coffer_clients 1$/m);
    assert.match(afterClaim, /^coffer_rooms\{room="player"\} 1$/m);
    assert.match(afterClaim, /^coffer_commit_batch_size_count [1-9]\d*$/m, 'the claim was committed in a batch');
    await tab.leave();
  });
});
