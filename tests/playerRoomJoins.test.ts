// A player's room is found by key. (1) A join racing an owner call that creates the
// offline player's room (an admin grant here) ends in one room, loaded once: no fenced duplicate,
// no reconnect code, epoch 1. (2) A join costs the same matchmaker lookups with few rooms or many,
// and none of them filters the whole room cache. Both in services mode across two processes
// (PostgreSQL + Redis) and in embedded mode (PGlite, local matchmaker).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { CloseCode, RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { expectAck, joinPlayerRoom, joinRoom, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { clusterFixture } from './support/cluster.ts';
import { queryRows } from './support/ledger.ts';
import { waitFor, within } from './support/wait.ts';
import { startServer, TEST_ADMIN_PASSWORD, type RunningServer } from './support/server.ts';

const cluster = clusterFixture('coffer_joins', 2);
const single = clusterFixture('coffer_joins_one', 1);

let dataDir: string;
let embedded: RunningServer;
before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-joins-'));
  embedded = await startServer({ DATA_DIR: dataDir });
});
after(async () => {
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

type Mode = { name: string; servers: () => RunningServer[]; databaseUrl?: () => string };
const modes: Mode[] = [
  { name: 'services, two processes', servers: () => cluster.servers, databaseUrl: () => cluster.db.url },
  { name: 'embedded', servers: () => [embedded] },
];

async function lookups(servers: RunningServer[]): Promise<{ direct: number; scan: number }> {
  const total = { direct: 0, scan: 0 };
  for (const server of servers) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const kind of ['direct', 'scan'] as const) total[kind] += Number(new RegExp(`coffer_room_lookups_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  }
  return total;
}

/** Player rooms alive, over all processes (the coffer_rooms gauge). */
async function playerRooms(servers: RunningServer[]): Promise<number> {
  let rooms = 0;
  for (const server of servers) rooms += Number(/coffer_rooms\{room="player"\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1] ?? 0);
  return rooms;
}

async function joinNewPlayers(url: string, count: number): Promise<PlayerConnection[]> {
  const tabs: PlayerConnection[] = [];
  // One after the other: each join's lookups are counted alone.
  for (let i = 0; i < count; i++) tabs.push(await joinPlayerRoom(url, (await signInGuest(url)).token));
  return tabs;
}

for (const mode of modes) {
  describe(mode.name, () => {
    test('a join racing an admin grant that wakes the offline player: one room, loaded once, nobody sent away', async () => {
      const servers = mode.servers();
      const adminUrl = servers.at(-1)!.url;
      const adminTab = await joinRoom(adminUrl, (await signInAdmin(adminUrl, TEST_ADMIN_PASSWORD)).token, RoomName.admin, AdminState);
      const players = await Promise.all(Array.from({ length: 12 }, () => signInGuest(servers[0].url)));
      // Each has played once (a grant needs an account), then gone offline: their rooms are gone.
      await Promise.all(players.map(async (player) => (await joinPlayerRoom(servers[0].url, player.token)).leave()));
      await waitFor(async () => (await playerRooms(servers)) === 0);
      const closes: number[] = [];
      const tabs = await Promise.all(
        players.map(async (player) => {
          // The grant makes the admin room create the player's room (playerRooms.ts) while the
          // player's own joinOrCreate looks for it.
          const [granted, tab] = await Promise.all([adminTab.send(AdminCommandType.grant, { userId: player.userId, amount: 10, reason: 'race' }), joinPlayerRoom(servers[0].url, player.token)]);
          expectAck(granted);
          void tab.left.then((code) => closes.push(code));
          await tab.waitForState((s) => s.balance === 10);
          return tab;
        }),
      );
      // The room each client sits in is the one holding the fence: its commands commit.
      for (const tab of tabs) expectAck(await tab.send(CommandType.streakClaim));
      assert.deepEqual(closes, [], 'no client was sent away to a newer room');
      for (const server of servers) assert.doesNotMatch(server.output(), /writer fence lost/, 'no duplicate room lost its fence');
      if (mode.databaseUrl) {
        const epochs = await queryRows<{ epoch: string }>(mode.databaseUrl(), 'SELECT epoch FROM accounts WHERE id = ANY($1)', [players.map((p) => p.userId)]);
        assert.deepEqual(epochs.map((r) => Number(r.epoch)), players.map(() => 2), 'each player room was loaded once before and exactly once in the race');
      }
      await Promise.all([...tabs.map((tab) => tab.leave()), adminTab.leave()]);
    });

    test('a join costs the same lookups, all by key, with 4 rooms or 40', async () => {
      const servers = mode.servers();
      const url = servers[0].url;
      const perBatch = async () => {
        const before = await lookups(servers);
        const tabs = await joinNewPlayers(url, 4);
        const after = await lookups(servers);
        return { tabs, direct: after.direct - before.direct, scan: after.scan - before.scan };
      };
      const first = await perBatch();
      const crowd = await joinNewPlayers(url, 32);
      const last = await perBatch();
      assert.ok(first.direct > 0, 'player rooms are found by key');
      assert.deepEqual({ direct: last.direct, scan: last.scan }, { direct: first.direct, scan: 0 }, `the same lookups with ${crowd.length + 8} rooms as with 4, none filtering the cache (first batch: ${JSON.stringify({ direct: first.direct, scan: first.scan })})`);
      assert.equal(first.scan, 0);
      await Promise.all([...first.tabs, ...crowd, ...last.tabs].map((tab) => tab.leave()));
    });
  });
}

test('services: Redis loses the room cache while a player is online; the next join makes one new room, the old one goes, and the new one stays listed', async () => {
  const servers = cluster.servers;
  const redis = cluster.redis();
  const player = await signInGuest(servers[0].url);
  const roomId = `player_${player.userId}`;
  const cacheKey = `${cluster.keyPrefix}roomcaches`;
  const first = await joinPlayerRoom(servers[0].url, player.token);
  expectAck(await first.send(CommandType.streakClaim));
  const firstLeft = new Promise<number>((resolve) => first.room.onLeave(resolve));
  const listed = JSON.parse((await redis.hget(cacheKey, roomId)) ?? 'null') as { processId: string; publicAddress: string } | null;
  assert.ok(listed, 'the room is listed');
  const host = servers.find((s) => listed.publicAddress === `127.0.0.1:${s.port}`);
  const other = servers.find((s) => s !== host);
  assert.ok(host && other, `the room runs on one of the two processes (${listed.publicAddress})`);

  await redis.del(cacheKey);
  // Colyseus creates a room on the process with the fewest rooms. The host of the first room is
  // made to look busy, so the second room is created on the other process: the case where two
  // rooms of the id exist. (Created on the host, the join is seated in the running room: the
  // next test.)
  await redis.hset(`${cluster.keyPrefix}roomcount`, listed.processId, '1000000,0');
  // Nothing lists the first room now: this join creates a second one, which takes the fence. The
  // host may seat the join in its own room of that id (Colyseus asks a local room first) until
  // that one has gone: the join is refused (524 when the socket went to the second, 522 while the
  // first is going away; see docs/ARCHITECTURE.md "What is not guaranteed") and the client joins
  // again, as the browser client does (client/src/net/roomLink.ts).
  let second: PlayerConnection | undefined;
  const refusals: number[] = [];
  await waitFor(async () => {
    second = await joinPlayerRoom(other.url, player.token).catch((error: { code?: number }) => {
      if (error.code !== 524 && error.code !== 522) throw Object.assign(error as Error, { message: `${(error as Error).message} (code ${error.code})` });
      refusals.push(error.code);
      return undefined;
    });
    return second !== undefined;
  }, 10_000, 100);
  assert.ok(second);
  expectAck(await second.send('game.slot', { bet: 1 }));
  assert.equal(await within(firstLeft, 10_000, 'the first room did not send its client away'), CloseCode.RECONNECT, 'the first room sent its client on (its fence went to the second)');
  await waitFor(async () => (await playerRooms(servers)) === 1);

  // The first room's last listing updates and its removal touched only its own record.
  const record = JSON.parse((await redis.hget(cacheKey, roomId)) ?? 'null') as { publicAddress?: string; locked?: boolean } | null;
  assert.ok(record, 'the second room is still listed after the first one went');
  assert.equal(record.locked, false);
  const hosts = [];
  for (const server of servers) if ((await playerRooms([server])) === 1) hosts.push(`127.0.0.1:${server.port}`);
  assert.deepEqual([record.publicAddress], hosts, 'the record is the live room\'s');

  // So the next join, through either process, finds it: no third room, no new load.
  const [{ epoch }] = await queryRows<{ epoch: string }>(cluster.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [player.userId]);
  const third = await joinPlayerRoom(servers[0].url, player.token);
  expectAck(await third.send('game.slot', { bet: 1 }));
  expectAck(await second.send('game.slot', { bet: 1 }));
  const [{ epoch: after }] = await queryRows<{ epoch: string }>(cluster.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [player.userId]);
  assert.equal(after, epoch, 'the room was not loaded again');
  assert.equal(await playerRooms(servers), 1);
  const handovers = servers.map((s) => s.output().match(new RegExp(`"roomId":"${roomId}"[^\\n]*writer fence lost`, 'g'))?.length ?? 0);
  assert.equal(handovers.reduce((a, b) => a + b, 0), 1, 'one room lost its fence, once');
  await Promise.all([second.leave(), third.leave()]);
});

test('services: a process asked to create a player room it already runs, unlisted since Redis lost its record, lists it again and seats the join there', async () => {
  const [server] = single.servers;
  const redis = single.redis();
  const player = await signInGuest(server.url);
  const roomId = `player_${player.userId}`;
  const cacheKey = `${single.keyPrefix}roomcaches`;
  const first = await joinPlayerRoom(server.url, player.token);
  expectAck(await first.send(CommandType.streakClaim));
  let firstLeft: number | undefined;
  first.room.onLeave((code) => (firstLeft = code));
  const [{ epoch }] = await queryRows<{ epoch: string }>(single.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [player.userId]);

  await redis.del(cacheKey);
  const second = await joinPlayerRoom(server.url, player.token);
  expectAck(await second.send('game.slot', { bet: 1 }));
  expectAck(await first.send('game.slot', { bet: 1 }));
  const [{ epoch: after }] = await queryRows<{ epoch: string }>(single.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [player.userId]);
  assert.equal(after, epoch, 'no second room loaded');
  assert.equal(firstLeft, undefined, 'the first tab was not sent away');
  assert.equal(await playerRooms([server]), 1);
  assert.ok(await redis.hget(cacheKey, roomId), 'the room is listed again');
  await Promise.all([first.leave(), second.leave()]);
});
