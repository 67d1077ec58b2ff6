// Failover between two Coffer processes (real PostgreSQL, real Redis). kill -9 of one process under
// load: its clients rejoin, get fresh rooms on the survivor that load from the database under a
// new epoch, retry what had no reply with the same ids, and every acknowledged command is in the
// ledger exactly once. A frozen process (SIGSTOP) that wakes up (SIGCONT) cannot commit anything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { CommandType } from '../shared/commands.ts';
import { CloseCode } from '../shared/protocol.ts';
import { expectAck, expectNack, joinPlayerRoom, newId, signInGuest, type PlayerConnection, type Reply, type Session } from './support/client.ts';
import { clusterFixture } from './support/cluster.ts';
import { queryRows } from './support/ledger.ts';
import type { RunningServer } from './support/server.ts';

const cluster = clusterFixture('coffer_failover');

async function processOf(roomId: string): Promise<string> {
  const cache = await cluster.redis().hget(`${cluster.keyPrefix}roomcaches`, roomId);
  assert.ok(cache, `room ${roomId} is in the matchmaker`);
  return (JSON.parse(cache) as { publicAddress: string }).publicAddress;
}

const serverAt = (address: string) => cluster.servers.find((s) => s.url === `http://${address}`)!;

/**
 * Joins the player's room through the first process that answers, as a client does after its
 * connection died: the matchmaker may first have to notice that the old room's process is gone.
 */
async function rejoin(session: Session, servers: RunningServer[]): Promise<PlayerConnection> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 40; attempt++) {
    for (const server of servers) {
      try {
        return await joinPlayerRoom(server.url, session.token);
      } catch (error) {
        lastError = error;
      }
    }
    await delay(Math.min(1000, 50 * 2 ** attempt)); // the client's reconnect backoff
  }
  throw new Error(`could not rejoin: ${String(lastError)}`);
}

/** A simulated player that retries a command with the same id until it gets an answer. */
class Player {
  readonly acked = new Set<string>();
  tab!: PlayerConnection;
  #left!: Promise<'left'>;
  rejoins = 0;
  readonly session: Session;
  constructor(session: Session) {
    this.session = session;
  }

  async connect(servers: RunningServer[]) {
    this.tab = await rejoin(this.session, servers);
    this.#left = new Promise((resolve) => this.tab.room.onLeave(() => resolve('left')));
  }

  /** Sends until a final answer: an ack, or a nack that is not retryable. */
  async command(type: string, fields: Record<string, unknown>, servers: () => RunningServer[]): Promise<Reply> {
    const id = newId();
    for (;;) {
      const reply = await Promise.race([this.tab.send(type, fields, id), this.#left]);
      if (reply !== 'left' && 'ack' in reply) {
        this.acked.add(id);
        return reply;
      }
      if (reply !== 'left' && !reply.nack.retryable) return reply;
      this.rejoins++;
      await this.connect(servers());
    }
  }
}

test('kill -9 of one process under load: clients move to the survivor, every acked command is in the ledger once', async () => {
  const players = await Promise.all(Array.from({ length: 6 }, async (_, i) => new Player(await signInGuest(cluster.servers[i % 2].url))));
  for (const [i, player] of players.entries()) {
    // Through alternating processes: the matchmaker creates a room on the process with the fewest,
    // and the one a join goes through counts its own rooms at once, the other's a second late.
    await player.connect(i % 2 === 0 ? cluster.servers : [...cluster.servers].reverse());
    expectAck(await player.tab.send(CommandType.streakClaim));
  }
  const homes = await Promise.all(players.map((p) => processOf(p.tab.room.roomId)));
  const victim = serverAt(homes[0]);
  const survivor = cluster.servers.find((s) => s !== victim)!;
  const onVictim = players.filter((_, i) => homes[i] === homes[0]);
  assert.ok(onVictim.length >= 1 && onVictim.length < players.length, 'players on both processes');

  let alive = cluster.servers;
  let sent = 0;
  // The victim dies once 40 commands are on their way (the 40th send resolves this).
  const { promise: fortySent, resolve: fortiethSent } = Promise.withResolvers<void>();
  const killed = (async () => {
    await fortySent;
    await victim.kill();
    alive = [survivor];
  })();
  await Promise.all(
    players.map(async (player) => {
      for (let round = 0; round < 30; round++) {
        if (++sent === 40) fortiethSent();
        await player.command('game.rps', { bet: 1, hand: (['rock', 'paper', 'scissors'] as const)[round % 3] }, () => alive);
      }
    }),
  );
  await killed;

  for (const player of onVictim) assert.ok(player.rejoins >= 1, 'the victim\'s players had to rejoin');
  const acked = players.flatMap((p) => [...p.acked]);
  const rows = await queryRows<{ command_id: string; n: string }>(cluster.db.url, `SELECT command_id, count(*) AS n FROM transfers WHERE reason = 'game.rps.bet' AND command_id = ANY($1) GROUP BY command_id`, [acked]);
  assert.equal(rows.length, acked.length, 'every acknowledged bet is in the ledger');
  assert.ok(rows.every((r) => Number(r.n) === 1), 'exactly once');
  const results = await queryRows<{ n: string }>(cluster.db.url, `SELECT count(*) AS n FROM command_results WHERE command_id = ANY($1)`, [acked]);
  assert.equal(Number(results[0].n), acked.length);

  for (const player of players) {
    const [{ balance }] = await queryRows<{ balance: string }>(cluster.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [player.session.userId]);
    await player.tab.waitForState((s) => s.balance === Number(balance));
    await player.tab.leave();
  }
  await cluster.restart(cluster.servers.indexOf(victim));
});

test('a frozen process that wakes up cannot commit: its room lost the fence to a fresh one on the other process', async () => {
  const me = await signInGuest(cluster.servers[0].url);
  const old = await joinPlayerRoom(cluster.servers[0].url, me.token);
  expectAck(await old.send(CommandType.streakClaim));
  const frozen = serverAt(await processOf(old.room.roomId));
  const other = cluster.servers.find((s) => s !== frozen)!;
  const oldLeft = new Promise<number>((resolve) => old.room.onLeave((code) => resolve(code)));

  frozen.proc.kill('SIGSTOP');
  let fresh: PlayerConnection;
  try {
    fresh = await rejoin(me, [other]);
    assert.equal(fresh.state.balance, 100, 'the fresh room loads the committed balance');
    expectAck(await fresh.send('game.rps', { bet: 10, hand: 'rock' }));
  } finally {
    frozen.proc.kill('SIGCONT');
  }
  const staleId = newId();
  // Its failed commit answers UNAVAILABLE, unless its fence watch woke first and sent the client away.
  const stale = await Promise.race([old.send('game.rps', { bet: 50, hand: 'paper' }, staleId), oldLeft.then(() => 'closed' as const)]);
  if (stale !== 'closed') assert.deepEqual([expectNack(stale).code, expectNack(stale).retryable], ['UNAVAILABLE', true]);
  assert.equal(await oldLeft, CloseCode.RECONNECT);
  assert.deepEqual(await queryRows(cluster.db.url, 'SELECT command_id FROM command_results WHERE command_id = $1', [staleId]), [], 'the woken room wrote nothing');
  const [{ balance }] = await queryRows<{ balance: string }>(cluster.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
  await fresh.waitForState((s) => s.balance === Number(balance));
  await fresh.leave();
});
