// Both writers on the in-memory store (server/core/memoryStore.ts), without a database: the storage
// ports are all they need. Storage refusing a read of a stored reply is a retryable UNAVAILABLE,
// never a judgement on today's state (a claim retried the same day after an outage must not be
// answered ALREADY_CLAIMED while its own reply cannot be read), and an old id is answered from its
// stored reply by a writer that never saw it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { CommandType } from '../../shared/commandNames.ts';
import { MemoryStore, type MemoryTransaction } from '../core/memoryStore.ts';
import type { Clock } from '../domain/clock.ts';
import { createLogger } from '../observability/logger.ts';
import { FenceWatch } from '../jobs/fenceWatch.ts';
import { PlayerWriter } from './playerWriter.ts';
import { RECENT_REPLIES } from './recentReplies.ts';
import type { Reply } from './replies.ts';
import { SerialWriter } from './serialWriter.ts';
import { defaultPublished } from '../economy/defaultEconomy.ts';
import { fixedEconomy, type EconomySource } from '../economy/source.ts';

const clock: Clock = { now: () => Date.parse('2026-03-04T12:00:00Z') };
const logger = createLogger('silent');
let seeds = 0;
const seed = () => `seed-${++seeds}-0123456789abcdef0123456789abcdef`;
const quiet = { committed: () => undefined, reloaded: () => undefined, fenced: () => undefined };

async function playerWriter(memory: MemoryStore, userId: string, recent = RECENT_REPLIES, economy: EconomySource = fixedEconomy(defaultPublished())): Promise<PlayerWriter> {
  const loaded = await memory.players.load(userId, userId, new Date(clock.now()), recent, seed);
  return new PlayerWriter({ store: memory, pipeline: memory, clock, seeds: seed, logger, syncReads: pLimit(1), economy }, loaded, quiet);
}

function serialWriter(memory: MemoryStore, writerId: string): SerialWriter<MemoryTransaction> {
  return new SerialWriter({ store: memory, clock, logger, fenceWatch: new FenceWatch() }, writerId, writerId, memory.takeRoomFence(writerId), 0, { ...quiet, reload: async () => 0 });
}

test('the writers and events.sync run no storage code of their own: from server/store only types and the commit failure', async () => {
  for (const file of ['playerWriter.ts', 'serialWriter.ts', 'streamSync.ts']) {
    const text = await readFile(new URL(file, import.meta.url), 'utf8');
    const values = [...text.matchAll(/^import (?!type )[^;]*?from '\.\.\/store\/([^']+)'/gm)].map((m) => m[1]);
    assert.ok(values.every((module) => module === 'mutation.ts'), `${file} imports ${values.join(', ')}`);
  }
});

const nackOf = (reply: Reply) => ('nack' in reply ? { code: reply.nack.code, retryable: reply.nack.retryable } : { ack: reply.ack.result });
const claim = (writer: PlayerWriter, id: string) => writer.handle(CommandType.streakClaim, { id }, false);

test('a claim refused while its stored reply cannot be read is UNAVAILABLE, and ALREADY_CLAIMED once storage answers', async () => {
  const memory = new MemoryStore();
  const writer = await playerWriter(memory, 'u-outage');
  assert.ok('ack' in (await claim(writer, 'claim-first-0001')));
  memory.down = true;
  assert.deepEqual(nackOf(await claim(writer, 'claim-second-001')), { code: 'UNAVAILABLE', retryable: true });
  memory.down = false;
  const refused = await claim(writer, 'claim-second-001');
  assert.ok('nack' in refused && refused.nack.reason === 'ALREADY_CLAIMED' && !refused.nack.retryable, JSON.stringify(refused));
  writer.dispose();
});

test('a writer that keeps no replies in memory answers an old id from its stored reply', async () => {
  const memory = new MemoryStore();
  const first = await playerWriter(memory, 'u-retry');
  const acked = await claim(first, 'claim-retried-01');
  assert.ok('ack' in acked);
  first.dispose();
  const second = await playerWriter(memory, 'u-retry', 0);
  assert.deepEqual(await claim(second, 'claim-retried-01'), acked, 'the first answer, not ALREADY_CLAIMED');
  // The first writer's epoch was replaced: what it sends now is refused, not committed.
  await assert.rejects(memory.submit({ writer: { account: 'u-retry', epoch: first.epoch }, transfers: [], economyVersion: null, outbox: [] }), /newer room/);
  second.dispose();
});

test("a shared room's command is decided once: retried on a new writer it is answered from storage; with storage down it is UNAVAILABLE", async () => {
  const memory = new MemoryStore();
  const decided: string[] = [];
  const command = (writer: SerialWriter<MemoryTransaction>, id: string) => writer.run('p1', id, 'h', () => (decided.push(id), { result: { id, n: decided.length }, events: [] }));
  const first = serialWriter(memory, 'board:memory');
  const acked = await command(first, 'move-1');
  assert.deepEqual(nackOf(acked), { ack: { id: 'move-1', n: 1 } });
  first.dispose();
  const second = serialWriter(memory, 'board:memory');
  assert.deepEqual(await command(second, 'move-1'), acked);
  assert.deepEqual(decided, ['move-1'], 'the retry was not decided again');
  memory.down = true;
  assert.deepEqual(nackOf(await command(second, 'move-2')), { code: 'UNAVAILABLE', retryable: true });
  assert.deepEqual(decided, ['move-1'], 'nothing is decided while the stored replies cannot be read');
  memory.down = false;
  // The first writer's fence was taken by the second: its commands go to the newer room.
  const stale = new SerialWriter({ store: memory, clock, logger, fenceWatch: new FenceWatch() }, 'board:memory', 'board:memory', 1, 0, { ...quiet, reload: async () => 0 });
  assert.deepEqual(nackOf(await command(stale, 'move-3')), { code: 'UNAVAILABLE', retryable: true });
  assert.equal(await memory.replies.find('p1', 'board:memory:move-3'), undefined, 'the stale writer stored nothing');
  stale.dispose();
  second.dispose();
});

test('a command is decided under the one economy version read when it starts: a publish between commands applies to the next one', async () => {
  // Every read finds a newer version (as if an admin published before each command): version n's
  // streak pays n × 1000 and its dice edge is n %.
  const reads: number[] = [];
  const base = defaultPublished();
  const publishing: EconomySource = {
    current() {
      const version = reads.length + 1;
      reads.push(version);
      const games = { ...base.economy.games, dice: { ...(base.economy.games.dice as object), edgePercent: version } };
      return { ...base, version, economy: { ...base.economy, games, rewards: { ...base.economy.rewards, streak: { ...base.economy.rewards.streak, days: [version * 1000] } } } };
    },
  };
  const memory = new MemoryStore();
  const writer = await playerWriter(memory, 'u-versions', RECENT_REPLIES, publishing);
  const claimed = await claim(writer, 'claim-version-01');
  assert.deepEqual('ack' in claimed && claimed.ack.result, { day: 1, reward: 1000, currency: 'gold', balance: 1000 });
  assert.deepEqual(reads, [1], 'one read for the claim');
  const rolled = await writer.handle('game.dice', { id: 'dice-version-01', bet: 100, target: 98, over: false }, false);
  assert.ok('ack' in rolled);
  const roll = rolled.ack.result as { win: boolean; payout: number; proof: { economyVersion: number } };
  assert.deepEqual(reads, [1, 2], 'one read for the play');
  assert.equal(roll.proof.economyVersion, 2);
  assert.deepEqual([roll.win, roll.payout], [true, 100], 'a 98 % chance (these seeds win it) pays floor(100 × 98 / 98) under version 2’s 2 % edge; version 1’s would pay 101');
  writer.dispose();
});
