// Two Coffer processes acting as one server (real PostgreSQL, real Redis): an owner call crosses
// processes, an announcement reaches the clients of both exactly once, Redis losing all its data
// mid-run costs no event, a duplicate player room raced from two matchmakers cannot commit, and a
// revoked user's sockets close on every process, and a shared room (a crash table) lives once:
// both processes seat players in it, neither creates another.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { CloseCode, PROTOCOL_VERSION, RoomName, type WireEvent } from '../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../shared/state.ts';
import { expectAck, joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { clusterFixture, deleteKeys, TEST_REDIS_URL } from './support/cluster.ts';
import { queryRows } from './support/ledger.ts';
import { matchmake } from './support/rawRoom.ts';
import { startServer, TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

// The boards the revoke test spreads over processes exist (shared rooms are the server's).
const cluster = clusterFixture('coffer_scale', 2, { BOARDS: ['main', ...Array.from({ length: 20 }, (_, i) => `revoke-${i}`)].join(',') });

/** The PUBLIC_ADDRESS of the process hosting `roomId`, from the matchmaker's room cache. */
async function processOf(roomId: string): Promise<string> {
  const cache = await cluster.redis().hget(`${cluster.keyPrefix}roomcaches`, roomId);
  assert.ok(cache, `room ${roomId} is in the matchmaker`);
  return (JSON.parse(cache) as { publicAddress: string }).publicAddress;
}

async function adminTab(): Promise<PlayerConnection<AdminState>> {
  const session = await signInAdmin(cluster.servers[0].url, TEST_ADMIN_PASSWORD);
  return joinRoom(cluster.servers[0].url, session.token, RoomName.admin, AdminState);
}

/** Signs in players until one's room lives on a process other than `not`. */
async function playerElsewhere(not: string): Promise<{ tab: PlayerConnection; userId: string; address: string }> {
  for (let i = 0; i < 10; i++) {
    const me = await signInGuest(cluster.servers[i % 2].url);
    const tab = await joinPlayerRoom(cluster.servers[i % 2].url, me.token);
    const address = await processOf(tab.room.roomId);
    if (address !== not) return { tab, userId: me.userId, address };
    await tab.leave();
  }
  throw new Error(`every player room was created on ${not}`);
}

const announcements = (events: WireEvent[]) => events.filter((e) => e.stream === 'global' && e.type === 'announcement');

test('an owner call (admin grant) reaches the player room on the other process', async () => {
  const admin = await adminTab();
  const adminAddress = await processOf(admin.room.roomId);
  const player = await playerElsewhere(adminAddress);
  assert.notEqual(player.address, adminAddress);

  const granted = expectAck(await admin.send(AdminCommandType.grant, { userId: player.userId, amount: 250, reason: 'cross-process' }));
  assert.deepEqual(granted, { balance: 250, currency: 'gold' });
  await player.tab.waitForState((s) => s.balance === 250);
  await player.tab.waitForEvents((events) => events.some((e) => e.type === 'balance.changed'));
  await Promise.all([admin.leave(), player.tab.leave()]);
});

test('an announcement reaches the clients of both processes exactly once each', async () => {
  const admin = await adminTab();
  const first = await playerElsewhere('');
  const second = await playerElsewhere(first.address);
  const texts = ['Season two starts now', 'Servers restart at noon'];
  const seqs: number[] = [];
  for (const text of texts) seqs.push(expectAck(await admin.send(AdminCommandType.announce, { text })).seq);

  for (const { tab } of [first, second]) {
    await tab.waitForEvents((events) => announcements(events).some((e) => e.seq === seqs[1]));
    // Per stream, events arrive in order: once the last is here, a duplicate of the first would be too.
    assert.deepEqual(
      announcements(tab.events).map((e) => [e.seq, (e.data as { text: string }).text]),
      [[seqs[0], texts[0]], [seqs[1], texts[1]]],
    );
  }
  for (const server of cluster.servers) {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /coffer_relay_lag_seconds_count\{stage="delivered"\} [1-9]/, 'relay lag is measured on every process');
  }
  await Promise.all([admin.leave(), first.tab.leave(), second.tab.leave()]);
});

test('Redis loses all its data mid-run: the relay replays, consumers recover, every announcement arrives once', async () => {
  const admin = await adminTab();
  const first = await playerElsewhere('');
  const second = await playerElsewhere(first.address);
  const sent: number[] = [];
  for (let i = 0; i < 5; i++) sent.push(expectAck(await admin.send(AdminCommandType.announce, { text: `before ${i}` })).seq);
  // FLUSHALL, limited to this cluster's keys: the Redis of the test run is shared with other files.
  const redis = cluster.redis();
  assert.ok((await deleteKeys(redis, cluster.keyPrefix)) > 0, 'the stream, the groups and the matchmaker keys are gone');
  for (let i = 0; i < 5; i++) sent.push(expectAck(await admin.send(AdminCommandType.announce, { text: `after ${i}` })).seq);

  for (const { tab } of [first, second]) {
    await tab.waitForEvents((events) => announcements(events).some((e) => e.seq === sent.at(-1)));
    assert.deepEqual(announcements(tab.events).map((e) => e.seq), sent, 'all ten, once each, in order');
  }
  await waitFor(async () => (await redis.exists(`${cluster.keyPrefix}events`)) === 1);
  const replayed = await Promise.all(cluster.servers.map(async (s) => Number(/coffer_relay_replayed_events_total (\d+)/.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? 0)));
  assert.ok(replayed.some((n) => n > 0), `a relay noticed the loss and replayed from PostgreSQL (${replayed})`);
  await Promise.all([admin.leave(), first.tab.leave(), second.tab.leave()]);
});

test('two matchmakers create the same player room at once: exactly one of the two can commit', async () => {
  // A third process on the same database but another Redis namespace: a split brain in which two
  // matchmakers each believe the user has no room, the duplicate INV-1 must survive.
  const stranger = await startServer({ DATABASE_URL: cluster.db.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: `${cluster.keyPrefix}split:` });
  try {
    const me = await signInGuest(cluster.servers[0].url);
    const [a, b] = await Promise.all([joinPlayerRoom(cluster.servers[0].url, me.token), joinPlayerRoom(stranger.url, me.token)]);
    // Both carry the player's fixed room id, each in its own matchmaker and process.
    assert.equal(a.room.roomId, b.room.roomId, 'the same fixed id in two matchmakers');
    assert.notEqual(a.room.connection.url, b.room.connection.url, 'two rooms for one user, one per process');
    const [{ epoch }] = await queryRows<{ epoch: string }>(cluster.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [me.userId]);
    assert.equal(Number(epoch), 2, 'both loaded, each taking the fence');

    // The older room is sent away either by its failed commit or, sooner, by the fence watch.
    // (Tracked from the join on: the fence watch may have sent it away already.)
    const closed = [a.left, b.left];
    const ids = [newId(), newId()];
    const outcomes = await Promise.all([a, b].map((tab, i) => Promise.race([tab.send(CommandType.streakClaim, {}, ids[i]), closed[i].then((code) => ({ closed: code }))])));
    const winners = outcomes.flatMap((o, i) => ('ack' in o ? [i] : []));
    assert.equal(winners.length, 1, `one room holds the fence (${JSON.stringify(outcomes)})`);
    const loser = 1 - winners[0];
    const lost = outcomes[loser];
    if ('nack' in lost) assert.deepEqual([lost.nack.code, lost.nack.retryable], ['UNAVAILABLE', true]);
    assert.equal(await closed[loser], CloseCode.RECONNECT, 'the fenced room sends its client away');
    assert.deepEqual(await queryRows(cluster.db.url, 'SELECT command_id FROM command_results WHERE command_id = $1', [ids[loser]]), [], 'the loser wrote nothing');
    const [{ balance }] = await queryRows<{ balance: string }>(cluster.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
    assert.equal(Number(balance), 100, 'one streak reward, not two');
    await [a, b][1 - loser].leave();
  } finally {
    await stranger.stop();
  }
});

test('admin.sessions.revoke closes the user\'s sockets in rooms of the other process, and both refuse the token', async () => {
  const admin = await adminTab();
  const adminAddress = await processOf(admin.room.roomId);
  const me = await signInGuest(cluster.servers[0].url);
  // A board room of its own on the process the admin room is not on: only the presence message
  // can close a socket there (the player room is reached by an owner call). New rooms go to the
  // least-loaded process, so the boards that land on the admin's process stay open meanwhile.
  let board: PlayerConnection<BoardState> | undefined;
  const others: PlayerConnection<BoardState>[] = [];
  for (let i = 0; i < 20 && !board; i++) {
    const tab = await joinRoom(cluster.servers[i % 2].url, me.token, RoomName.board, BoardState, { board: `revoke-${i}` });
    if ((await processOf(tab.room.roomId)) !== adminAddress) board = tab;
    else others.push(tab);
  }
  await Promise.all(others.map((tab) => tab.leave()));
  assert.ok(board, 'a board room on the other process');
  const closed = new Promise<number>((resolve) => board!.room.onLeave((code: number) => resolve(code)));
  expectAck(await admin.send(AdminCommandType.sessionsRevoke, { userId: me.userId, reason: 'cross-process revoke' }));
  assert.equal(await closed, CloseCode.KICKED);
  for (const server of cluster.servers) {
    const res = await fetch(`${server.url}/matchmake/joinOrCreate/${RoomName.player}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${me.token}` },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION }),
    });
    assert.equal(res.status, 401, server.url);
  }
  await admin.leave();
});

test('a shared room lives once across processes: a join through the other process lands in it, a create is refused on both', async () => {
  const me = await signInGuest(cluster.servers[0].url);
  const table = await joinRoom(cluster.servers[0].url, me.token, RoomName.crash, CrashState);
  const left = new Promise<string>((resolve) => table.room.onLeave((code) => resolve(`closed ${code}`)));
  const seen = await Promise.all(
    cluster.servers.map((server) => matchmake(server.url, RoomName.crash, { token: me.token, options: { protocol: PROTOCOL_VERSION, table: 'main' } })),
  );
  assert.deepEqual(seen.map((s) => s.seat?.roomId), [table.room.roomId, table.room.roomId], 'both processes seat players in the one live room');
  for (const server of cluster.servers) {
    const created = await matchmake(server.url, RoomName.crash, { method: 'create', token: me.token, options: { protocol: PROTOCOL_VERSION, table: 'main' } });
    assert.equal(created.status, 403);
  }
  await table.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  assert.equal(await Promise.race([left, Promise.resolve('open')]), 'open');
  await table.leave();
});
