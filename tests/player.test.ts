// The player room over real WebSockets, in both modes: against a real PostgreSQL (services) and
// on PGlite in DATA_DIR (embedded): join, claim, play, events, and the refusals the protocol
// promises. Checks straight in SQL run where the test can reach the database (services mode).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@colyseus/sdk';
import { CommandType } from '../shared/commands.ts';
import { EventType } from '../shared/events.ts';
import { CloseCode, JoinErrorCode, RoomName } from '../shared/protocol.ts';
import { expectAck, expectNack, joinPlayerRoom, signInGuest } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';
import { migrate, startServer, TEST_ADMIN_PASSWORD, type RunningServer } from './support/server.ts';

for (const mode of ['services', 'embedded'] as const) describe(`player room (${mode} mode)`, () => {
  let db: TestDatabase | undefined;
  let dataDir: string | undefined;
  let server: RunningServer;

  before(async () => {
    if (mode === 'services') {
      db = await createTestDatabase('coffer_player');
      await migrate(db.url);
      server = await startServer({ DATABASE_URL: db.url });
    } else {
      dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-player-'));
      server = await startServer({ DATA_DIR: dataDir });
    }
  });
  after(async () => {
    assert.equal(await server?.stop(), 0);
    if (db) {
      await assertLedgerHolds(db.url);
      await db.drop();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('streak.claim acks after commit, shows the balance in state and sends balance.changed with seq 1', async () => {
    const me = await signInGuest(server.url, 'alice');
    const tab = await joinPlayerRoom(server.url, me.token);
    assert.equal(tab.state.balance, 0);

    const result = expectAck(await tab.send(CommandType.streakClaim));
    assert.deepEqual(result, { day: 1, reward: 100, currency: 'gold', balance: 100 });
    await tab.waitForState((s) => s.balance === 100 && s.seq === 3 && s.xp === 25);
    await tab.waitForEvents((events) => events.length >= 3);
    assert.deepEqual(
      tab.events.map((e) => [e.stream, e.seq, e.type]),
      [
        [`player:${me.userId}`, 1, EventType.balanceChanged],
        [`player:${me.userId}`, 2, EventType.rewardGranted],
        [`player:${me.userId}`, 3, EventType.xpChanged],
      ],
    );
    assert.deepEqual(tab.events[0].data, { delta: 100, balance: 100, currency: 'gold', reason: 'streak.claim', ref: tab.events[0].data && (tab.events[0].data as { ref: string }).ref });
    assert.deepEqual([...tab.state.wallet.entries()], [['gold', 100]], 'the wallet shows the gold balance too');

    const again = expectNack(await tab.send(CommandType.streakClaim));
    assert.equal(again.code, 'CONFLICT');
    assert.equal(again.reason, 'ALREADY_CLAIMED', 'the nack says why without English to parse');
    assert.equal(again.retryable, false);
    assert.match(again.message, /already claimed today/);

    if (db) {
      const [transfer] = await queryRows<{ from_account: string; to_account: string; amount: string }>(db.url, 'SELECT * FROM transfers WHERE to_account = $1', [me.userId]);
      assert.deepEqual([transfer.from_account, Number(transfer.amount)], ['mint', 100]);
    }
    await tab.leave();
  });

  test('game.rps moves the bet to the house and pays wins from it; stats follow', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    let balance = 100;
    for (let i = 0; i < 10; i++) {
      const r = expectAck(await tab.send('game.rps', { bet: 5, hand: 'rock' }));
      const expected = { win: 10, draw: 5, lose: 0 }[r.outcome as 'win' | 'draw' | 'lose'];
      assert.equal(r.payout, expected);
      balance += r.payout - 5;
      assert.equal(r.balance, balance);
    }
    await tab.waitForState((s) => s.balance === balance && s.stats.get('rps')?.played === 10);
    assert.equal(tab.state.stats.get('rps')!.wagered, 50);
    if (db) {
      const [row] = await queryRows<{ balance: string }>(db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
      assert.equal(Number(row.balance), balance);
    }
    await tab.leave();
  });

  test('two tabs of one user share one room, one state and the same events', async () => {
    const me = await signInGuest(server.url);
    const a = await joinPlayerRoom(server.url, me.token);
    const b = await joinPlayerRoom(server.url, me.token);
    assert.equal(a.room.roomId, b.room.roomId);
    expectAck(await a.send(CommandType.streakClaim));
    await b.waitForState((s) => s.balance === 100);
    await b.waitForEvents((e) => e.length === 3);
    await a.waitForEvents((e) => e.length === 3);
    assert.deepEqual(b.events, a.events);
    await a.leave();
    await b.leave();
  });

  test('joins are refused with the documented codes', async () => {
    const me = await signInGuest(server.url);
    const other = await signInGuest(server.url);
    const refused = async (token: string | undefined, options: Record<string, unknown>) => {
      const client = new Client(server.url);
      if (token) client.auth.token = token;
      const error = await client.joinOrCreate(RoomName.player, options).then(
        () => assert.fail('join should have been refused'),
        (e: { code: number; message: string }) => e,
      );
      return error;
    };
    const forbidden = await refused(me.token, { protocol: 1, userId: other.userId });
    assert.equal(forbidden.code, JoinErrorCode.FORBIDDEN);
    assert.match(forbidden.message, /^FORBIDDEN: /);
    const anonymous = await refused(undefined, { protocol: 1 });
    assert.equal(anonymous.code, JoinErrorCode.UNAUTHORIZED);
    const tampered = await refused(me.token.slice(0, -2) + 'xx', { protocol: 1 });
    assert.equal(tampered.code, JoinErrorCode.UNAUTHORIZED);
    const old = await refused(me.token, { protocol: 0 });
    assert.equal(old.code, JoinErrorCode.CLIENT_TOO_OLD);
    const missing = await refused(me.token, {});
    assert.equal(missing.code, JoinErrorCode.CLIENT_TOO_OLD);
    const future = await refused(me.token, { protocol: 2 });
    assert.equal(future.code, JoinErrorCode.SERVER_TOO_OLD);
    assert.match(future.message, /^SERVER_TOO_OLD: /);
  });

  test('events.sync replays exactly the missing seqs', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    // Play until the stream has at least five events (a draw writes only xp.changed).
    for (let i = 0; i < 100 && tab.events.length < 5; i++) {
      expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }));
      await tab.waitForState((s) => s.seq >= tab.events.length);
    }
    await tab.waitForState((s) => s.seq >= 5);
    const head = tab.state.seq;
    const synced = expectAck(await tab.send(CommandType.eventsSync, { afterSeq: 2 }));
    assert.equal(synced.seq, head);
    assert.deepEqual(synced.events.map((e: { seq: number }) => e.seq), Array.from({ length: head - 2 }, (_, i) => i + 3));
    await tab.waitForEvents((e) => e.length === head);
    assert.deepEqual(synced.events, tab.events.slice(2), 'replayed events equal the live ones');
    const none = expectAck(await tab.send(CommandType.eventsSync, { afterSeq: head }));
    assert.deepEqual(none, { events: [], seq: head });
    await tab.leave();
  });

  test('an admin may watch a player room read-only', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    const res = await fetch(`${server.url}/auth/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: TEST_ADMIN_PASSWORD }) });
    const admin = (await res.json()) as { token: string };
    const watcher = await joinPlayerRoom(server.url, admin.token, { userId: me.userId });
    assert.equal(watcher.room.roomId, tab.room.roomId);
    await watcher.waitForState((s) => s.balance === 100);
    const refused = expectNack(await watcher.send('game.rps', { bet: 1, hand: 'rock' }));
    assert.equal(refused.code, 'FORBIDDEN');
    assert.equal(expectAck(await watcher.send(CommandType.eventsSync, { afterSeq: 0 })).events.length, 3);
    await watcher.leave();
    await tab.leave();
  });

  test('a flood gets RATE_LIMITED (retryable), then the connection is closed', async () => {
    const me = await signInGuest(server.url);
    const tab = await joinPlayerRoom(server.url, me.token);
    const closed = new Promise<number>((resolve) => tab.room.onLeave((code) => resolve(code)));
    const replies = Array.from({ length: 250 }, () => tab.send(CommandType.eventsSync, { afterSeq: 0 }));
    const limited = await Promise.race([replies[60], closed.then(() => null)]);
    assert.ok(limited && 'nack' in limited, 'the 61st message in one second is refused');
    assert.equal(limited.nack.code, 'RATE_LIMITED');
    assert.equal(limited.nack.retryable, true);
    assert.equal(await closed, CloseCode.RATE_LIMITED);
  });

  test('the suite runs on the expected transport', async () => {
    const expected = process.env.COFFER_EXPECT_TRANSPORT;
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const active = /coffer_transport_info\{transport="(\w+)"\} 1/.exec(metrics)?.[1];
    assert.ok(active, 'the transport in use is exposed as a metric');
    if (expected) assert.equal(active, expected);
  });
});
