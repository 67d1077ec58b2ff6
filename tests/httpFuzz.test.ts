// No request ends the process (docs/PROTOCOL.md, "Hostile input"; docs/OPERATIONS.md, "Unexpected
// errors"). Against a real server on each transport (uWS when this runtime loads it, and ws), and
// in embedded mode (the default `npm start`): the
// requests once reported to stop the server are each refused with 400, every loopback spelling of
// the server's names is served, and then a seeded stream of malformed HTTP requests and WebSocket
// upgrades (hosts, targets, methods, X-Forwarded-Proto values, header bytes) goes over raw TCP.
// After it the process is still alive and still serves: /health/live, a guest sign-in, a player
// room join. HTTP_FUZZ_SEED=<seed> replays a run (the seed is printed).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { joinPlayerRoom, signInGuest } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { malformedRequest, refusalsFor, reportedRequests, sendRaw } from './support/malformedRequests.ts';
import { seededRandom } from './support/seededRandom.ts';
import { migrate, startServer, type RunningServer } from './support/server.ts';

const SEED = Number(process.env.HTTP_FUZZ_SEED ?? randomInt(2 ** 31));
console.log(`tests/httpFuzz.test.ts: seed ${SEED} (HTTP_FUZZ_SEED=${SEED} replays this run)`);

/** Malformed requests of each kind (plain HTTP, upgrade) per server. */
const PER_KIND = 1000;
const IN_FLIGHT = 32;
/** How long a request the server keeps waiting on (a body that never comes) is held before we hang up. */
const WAIT_MS = 400;

// The CI runtime loads uWS (COFFER_EXPECT_TRANSPORT=uws); ws always runs too, and the default
// `npm start` (embedded mode, PGlite, no services) on the runtime's transport.
const TRANSPORT = process.env.COFFER_EXPECT_TRANSPORT ?? 'auto';
type Setup = { transport: string; mode: 'services' | 'embedded' };
const SETUPS: Setup[] = [
  ...[...new Set([TRANSPORT, 'ws'])].map((transport): Setup => ({ transport, mode: 'services' })),
  { transport: TRANSPORT, mode: 'embedded' },
];

for (const { transport, mode } of SETUPS) {
  describe(`TRANSPORT=${transport}, ${mode} mode: no request ends the process`, () => {
    let db: TestDatabase | undefined;
    let dataDir: string | undefined;
    let server: RunningServer;
    const alive = () => server.proc.exitCode === null && server.proc.signalCode === null;

    before(async () => {
      if (mode === 'embedded') {
        dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-fuzz-'));
        server = await startServer({ DATA_DIR: dataDir, TRANSPORT: transport });
        return;
      }
      db = await createTestDatabase(`fuzz_${transport}`);
      await migrate(db.url);
      server = await startServer({ DATABASE_URL: db.url, TRANSPORT: transport });
    });
    after(async () => {
      await server?.stop();
      await db?.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    test('each request reported to stop the server is refused with 400, and the server stays up', async () => {
      for (const [what, request] of reportedRequests(server.port)) {
        const status = await sendRaw(server.port, Buffer.from(request, 'utf8'), 5_000);
        const expected = refusalsFor(what, transport);
        assert.ok(expected.includes(status), `${what}: answered ${status}, expected ${expected.join(' or ')}\n${server.output().slice(-2000)}`);
        assert.ok(alive(), `${what} ended the process:\n${server.output().slice(-2000)}`);
      }
      const body = await fetch(`${server.url}/health/live`, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(body.status, 200, 'X-Forwarded-Proto https is served');
    });

    test('every loopback spelling of the server\'s names is served; #, @, spaces and bad ports are not', async () => {
      for (const host of ['localhost.', `localhost.:${server.port}`, '[::ffff:127.0.0.1]', '127.0.0.2', '[::1]:65535', 'LOCALHOST', '[0:0:0:0:0:0:0:1]:1']) {
        assert.equal(await sendRaw(server.port, Buffer.from(`GET /health/live HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), 5_000), 200, host);
      }
      for (const host of ['localhost#x', `user@localhost:${server.port}`, 'local host', 'localhost:65536', 'localhost:x', 'localhost?', 'localhost/']) {
        assert.equal(await sendRaw(server.port, Buffer.from(`GET /health/live HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), 5_000), 400, host);
      }
    });

    test('a path without a route is answered 404 at once, whatever the method, and holds nothing open', async () => {
      for (const [method, target] of [['GET', '/health'], ['GET', '/no/such/path'], ['POST', '/auth/nothing'], ['DELETE', '/shop'], ['HEAD', '/nope']] as const) {
        const request = `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
        assert.equal(await sendRaw(server.port, Buffer.from(request), 5_000), 404, `${method} ${target}`);
      }
      const answer = await fetch(`${server.url}/no/such/path`);
      assert.equal(answer.status, 404);
      // On uWS the edge answers (Colyseus' uWS router left it unanswered); on ws, Colyseus' Node
      // listener answers 404 itself, with no body.
      if (transport === 'uws') assert.equal(((await answer.json()) as { code: string }).code, 'NOT_FOUND');
    });

    test(`${PER_KIND} malformed HTTP requests and ${PER_KIND} malformed upgrades: the process lives and still serves`, async (t) => {
      const random = seededRandom(SEED + transport.length + (mode === 'embedded' ? 100 : 0));
      const requests = Array.from({ length: 2 * PER_KIND }, (_, i) => malformedRequest(random, server.port, i % 2 === 1));
      const statuses = new Map<number, number>();
      let next = 0;
      let diedAt = -1;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < requests.length && diedAt < 0) {
            const index = next++;
            const status = await sendRaw(server.port, requests[index]!, WAIT_MS);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (!alive()) diedAt = index;
          }
        }),
      );
      const seen = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
      t.diagnostic(`answers (status: count; 0 = closed or nothing within ${WAIT_MS} ms): ${seen}`);
      // Requests run IN_FLIGHT at a time: the one that ended it is among the last IN_FLIGHT sent.
      assert.equal(diedAt, -1, `the process ended by request #${diedAt} (seed ${SEED}), this one or one of the ${IN_FLIGHT} before it: ${JSON.stringify(requests[diedAt]?.toString('latin1').slice(0, 300))}\n${server.output().slice(-3000)}`);
      assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), 2 * PER_KIND, 'every request was sent');
      assert.ok((statuses.get(400) ?? 0) >= PER_KIND / 4, `most malformed requests are refused 400 (seed ${SEED}): ${seen}`);
      assert.ok(alive(), `the process ended (seed ${SEED}):\n${server.output().slice(-3000)}`);
      // Caught at the edge, not by the process' last resort: nothing escaped, no handler failed.
      const escaped = server.output().split('\n').filter((line) => /escaped every catch|nobody awaited|failed inside its handler/.test(line));
      assert.deepEqual(escaped, [], `errors that reached past the edge (seed ${SEED})`);
      assert.equal(statuses.get(500), undefined, `no request was answered 500 (seed ${SEED}): ${seen}`);

      assert.equal((await fetch(`${server.url}/health/live`)).status, 200, '/health/live');
      const guest = await signInGuest(server.url);
      const room = await joinPlayerRoom(server.url, guest.token);
      assert.equal(room.room.state.userId, guest.userId, 'a player room join still works');
      await room.leave();
      assert.ok(alive());
    });
  });
}
