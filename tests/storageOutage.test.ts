// Storage outages. PostgreSQL is shared by everyone on the machine, so "PostgreSQL down"
// is simulated for one server by a TCP proxy between it and PostgreSQL that the test cuts: commands
// are nacked UNAVAILABLE (retryable), /health/ready answers 503, nothing is acked that is not
// committed; when the proxy is restored the server recovers by itself and the retried ids are
// applied exactly once; a crash round that crashes meanwhile is settled then, and the table goes on.
// Redis cut the same way: the core keeps acknowledging commands.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { AdminState, CrashState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection, type Reply } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { assertLedgerHolds, fundNewPlayer, queryRows } from './support/ledger.ts';
import { crashTableWith } from './support/crashTables.ts';
import { migrate, startServer, TEST_ADMIN_PASSWORD, type RunningServer } from './support/server.ts';
import { startTcpProxy, type TcpProxy } from './support/tcpProxy.ts';
import { waitFor } from './support/wait.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function readiness(server: RunningServer): Promise<number> {
  return (await fetch(`${server.url}/health/ready`)).status;
}

/** Sends `id` until it is not refused UNAVAILABLE (the room may still be reloading). */
async function sendUntilServed(tab: PlayerConnection, fields: Record<string, unknown>, id: string): Promise<Reply> {
  let reply!: Reply;
  await waitFor(async () => {
    reply = await tab.send('game.rps', fields, id);
    return !('nack' in reply && reply.nack.code === 'UNAVAILABLE');
  });
  return reply;
}

describe('PostgreSQL unreachable', () => {
  let db: TestDatabase;
  let pgProxy: TcpProxy;
  let server: RunningServer;

  before(async () => {
    db = await createTestDatabase('coffer_pgoutage');
    await migrate(db.url);
    const target = new URL(db.url);
    pgProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startServer(env());
  });
  const env = () => ({ DATABASE_URL: pgProxy.through(db.url), CRASH_BETTING_MS: '1500', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '1' });
  after(async () => {
    await server?.stop();
    await pgProxy?.close();
    await assertLedgerHolds(db.url);
    await db.drop();
  });

  test('commands nack UNAVAILABLE, readiness is 503, and the retried ids apply exactly once after recovery', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    assert.equal(await readiness(server), 200);

    pgProxy.cut();
    const ids = [newId(), newId(), newId()];
    const duringOutage: Reply[] = [];
    for (const id of ids) duringOutage.push(await tab.send('game.rps', { bet: 5, hand: 'paper' }, id));
    for (const reply of duringOutage) {
      assert.ok('nack' in reply, `no ack while PostgreSQL is unreachable: ${JSON.stringify(reply)}`);
      assert.equal(reply.nack.code, 'UNAVAILABLE');
      assert.equal(reply.nack.retryable, true);
      assert.match(reply.nack.message, /same id/);
    }
    assert.equal(await readiness(server), 503, 'not ready while the database is unreachable');
    const ready = await (await fetch(`${server.url}/health/ready`)).json();
    assert.equal(ready.components.database.ok, false);
    assert.equal(await fetch(`${server.url}/health/live`).then((r) => r.status), 200, 'still alive');
    const written = await queryRows(db.url, 'SELECT command_id FROM command_results WHERE command_id = ANY($1)', [ids]);
    assert.deepEqual(written, [], 'nothing of the refused commands reached PostgreSQL');

    pgProxy.restore();
    await waitFor(async () => (await readiness(server)) === 200);
    const results = [];
    for (const id of ids) results.push(expectAck(await sendUntilServed(tab, { bet: 5, hand: 'paper' }, id)));
    // Once more each: the stored replies, no second effect.
    for (const [i, id] of ids.entries()) assert.deepEqual(expectAck(await tab.send('game.rps', { bet: 5, hand: 'paper' }, id)), results[i]);
    for (const id of ids) {
      assert.equal((await queryRows(db.url, 'SELECT 1 FROM command_results WHERE actor = $1 AND command_id = $2', [me.userId, id])).length, 1, 'one stored reply');
      const [{ bets }] = await queryRows<{ bets: string }>(db.url, `SELECT count(*) AS bets FROM transfers WHERE command_id = $1 AND reason = 'game.rps.bet'`, [id]);
      assert.equal(Number(bets), 1, 'one bet');
    }
    const [{ balance }] = await queryRows<{ balance: string }>(db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
    await tab.waitForState((s) => s.balance === Number(balance));
    assert.equal(Number(balance), results.at(-1).balance);

    // The server goes on serving new players too.
    const other = await signInGuest(server.url);
    const otherTab = await joinPlayerRoom(server.url, other.token);
    expectAck(await otherTab.send(CommandType.streakClaim));
    await otherTab.leave();
    await tab.leave();
  });

  test('a retried id the room no longer holds in memory, while PostgreSQL is unreachable, is UNAVAILABLE, never judged again on today\'s state', async () => {
    const me = await signInGuest(server.url);
    let tab = await joinPlayerRoom(server.url, me.token);
    const id = newId();
    const claimed = expectAck(await tab.send(CommandType.streakClaim, {}, id));
    await tab.leave();
    // A day old: a room loads the replies of the last 24 hours into memory, and finds older ones,
    // kept for the idempotency window (48 hours on this process), only in storage.
    await queryRows(db.url, `UPDATE command_results SET created_at = now() - interval '25 hours' WHERE actor = $1 AND command_id = $2`, [me.userId, id]);
    await server.stop();
    server = await startServer({ ...env(), IDEMPOTENCY_WINDOW_HOURS: '48' }, { port: server.port });
    tab = await joinPlayerRoom(server.url, me.token);
    pgProxy.cut();
    const during = await tab.send(CommandType.streakClaim, {}, id);
    pgProxy.restore();
    // Today's state says "claimed"; only the stored reply can say it was this id's own claim.
    assert.equal(expectNack(during).code, 'UNAVAILABLE', `the stored reply could not be read: ${JSON.stringify(during)}`);
    assert.equal(expectNack(during).retryable, true);
    let again!: Reply;
    await waitFor(async () => {
      again = await tab.send(CommandType.streakClaim, {}, id);
      return !('nack' in again && again.nack.code === 'UNAVAILABLE');
    });
    assert.deepEqual(expectAck(again), claimed, 'the retry gets the original reply once storage is back');
    await tab.leave();
  });

  test('a player room that cannot load while PostgreSQL is unreachable refuses the join UNAVAILABLE, then works', async () => {
    const me = await signInGuest(server.url);
    pgProxy.cut();
    await assert.rejects(joinPlayerRoom(server.url, me.token), (error: { code?: number; message?: string }) => {
      assert.equal(error.code, 503);
      assert.match(String(error.message), /^UNAVAILABLE/);
      return true;
    });
    pgProxy.restore();
    await waitFor(async () => (await readiness(server)) === 200);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    await tab.leave();
  });

  test('an admin grant while PostgreSQL is unreachable is refused UNAVAILABLE (retryable), and its retry applies once', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    await tab.leave();
    const admin = await joinRoom(server.url, (await signInAdmin(server.url, TEST_ADMIN_PASSWORD)).token, RoomName.admin, AdminState);
    const id = newId();
    const grant = { userId: me.userId, amount: 70, reason: 'outage grant' };

    pgProxy.cut();
    const refused = expectNack(await admin.send(AdminCommandType.grant, grant, id));
    assert.equal(refused.code, 'UNAVAILABLE', refused.message);
    assert.equal(refused.retryable, true);
    pgProxy.restore();
    await waitFor(async () => (await readiness(server)) === 200);

    let reply = await admin.send(AdminCommandType.grant, grant, id);
    while ('nack' in reply && reply.nack.retryable) reply = await admin.send(AdminCommandType.grant, grant, id);
    assert.equal(expectAck(reply).balance, 170);
    assert.equal(expectAck(await admin.send(AdminCommandType.grant, grant, id)).balance, 170, 'the stored reply, no second grant');
    const grants = await queryRows(db.url, `SELECT 1 FROM transfers WHERE to_account = $1 AND reason = 'admin.grant'`, [me.userId]);
    assert.equal(grants.length, 1);
    await admin.leave();
  });

  test('a crash round that crashes while PostgreSQL is unreachable is settled when it returns, and the next round starts', async () => {
    // Round 0 crashes at 3x or later (a chain seed found, not assumed): over a second of running
    // at 1/s growth, to take PostgreSQL away in before the crash.
    await crashTableWith(db.url, 't-outage', [3]);
    const me = await signInGuest(server.url);
    await fundNewPlayer(db.url, me.userId, 100);
    const table = await joinRoom(server.url, me.token, RoomName.crash, CrashState, { table: 't-outage' });
    await table.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
    expectAck(await table.send(CrashCommandType.bet, { amount: 10 }));
    await table.waitForState((s) => s.phase === 'running');

    pgProxy.cut();
    // The round crashes meanwhile: its settlement is refused by storage (the room logs the retry).
    await waitFor(async () => /"id":"r0-settled".*not stored; retrying/.test(server.output()));
    pgProxy.restore();
    await table.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
    // It used to stop here: only the settlement's first answer could start the next round.
    await waitFor(async () => table.state.phase === 'betting' && table.state.roundId === 1);
    const moved = await queryRows<{ reason: string; amount: string }>(db.url, `SELECT reason, amount FROM transfers WHERE ref = 'crash:t-outage:0' ORDER BY id`);
    assert.deepEqual(
      moved.map((t) => [t.reason, Number(t.amount)]),
      [
        ['crash.bet', 10],
        ['crash.settle', 10],
      ],
      'the stake went into escrow and, settled once, to the house',
    );
    const [{ balance }] = await queryRows<{ balance: string }>(db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = 'escrow' AND currency = 'gold'), 0) AS balance`);
    assert.equal(Number(balance), 0);
    await table.leave();
  });
});

describe('Redis unreachable', () => {
  let db: TestDatabase;
  let redisProxy: TcpProxy;
  let server: RunningServer;

  before(async () => {
    db = await createTestDatabase('coffer_redisoutage');
    await migrate(db.url);
    const target = new URL(REDIS_URL);
    redisProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    server = await startServer({ DATABASE_URL: db.url, REDIS_URL: redisProxy.through(REDIS_URL) });
  });
  after(async () => {
    await server?.stop();
    await redisProxy?.close();
    await assertLedgerHolds(db.url);
    await db.drop();
  });

  test('the core keeps acknowledging commands while Redis is cut, and readiness comes back with it', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    assert.ok(redisProxy.forwarded > 0, 'the server talks to Redis through the proxy');

    redisProxy.cut();
    for (let i = 0; i < 5; i++) {
      const id = newId();
      expectAck(await tab.send('game.rps', { bet: 1, hand: 'rock' }, id));
      assert.equal((await queryRows(db.url, 'SELECT 1 FROM command_results WHERE command_id = $1', [id])).length, 1);
    }
    await waitFor(async () => (await readiness(server)) === 503);
    const ready = await (await fetch(`${server.url}/health/ready`)).json();
    assert.equal(ready.components.redis.ok, false, 'readiness names Redis');
    assert.equal(ready.components.database.ok, true);

    redisProxy.restore();
    await waitFor(async () => (await readiness(server)) === 200);
    expectAck(await tab.send('game.rps', { bet: 1, hand: 'rock' }));
    await tab.leave();
  });
});
