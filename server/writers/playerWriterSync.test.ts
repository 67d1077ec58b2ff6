// events.sync reads and the pool (playerWriter.ts #syncInTurn, outboxReader.ts syncReadLimit): each
// read holds a pool connection. One account's syncs run one at a time: eight sockets of one account
// syncing at once took the whole pool, so every other player's commits waited (the noisy-neighbour
// phase of `npm run bench` went from 2.1-3.1x to 0.3-0.7x with this). Many players syncing at once
// are held to the process' limit. A Streams port (server/core/ports.ts) counts the reads in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { CommandType } from '../../shared/commandNames.ts';
import { freshFairness } from '../domain/fairness.ts';
import { syncReadLimit } from '../store/outboxReader.ts';
import type { PlayerWriterStore, Streams } from '../core/ports.ts';
import { PlayerWriter, type WriterDeps } from './playerWriter.ts';

/** Stream reads that each take a turn of the event loop, with the most that were ever in flight. */
function countingStreams() {
  const counts = { inFlight: 0, most: 0 };
  const streams: Streams = {
    async read() {
      counts.inFlight++;
      counts.most = Math.max(counts.most, counts.inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      counts.inFlight--;
      return { events: [], oldestSeq: null };
    },
  };
  return { store: { streams } as PlayerWriterStore, counts };
}

function writerFor(userId: string, deps: Partial<WriterDeps>): PlayerWriter {
  const player = { userId, displayName: userId, wallet: { gold: 0 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') };
  return new PlayerWriter(deps as WriterDeps, { player, epoch: 1, replies: [], owed: [] }, { committed: () => undefined, reloaded: () => undefined, fenced: () => undefined });
}

const sync = (writer: PlayerWriter, i: number) => writer.handle(CommandType.eventsSync, { id: `sync-${i}-abcdef`, afterSeq: 0 }, false);
const results = (replies: Awaited<ReturnType<PlayerWriter['handle']>>[]) => replies.map((r) => ('ack' in r ? r.ack.result : r.nack.code));

test("one player's events.sync read one at a time, each answered", async () => {
  const { store, counts } = countingStreams();
  const writer = writerFor('u-sync', { store, syncReads: pLimit(8) });
  const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => sync(writer, i)));
  assert.deepEqual(results(replies), replies.map(() => ({ events: [], seq: 0 })));
  assert.equal(counts.most, 1, 'never two reads of one player at once');
});

test("many players' events.sync reads stay within the process' limit, each answered", async () => {
  const { store, counts } = countingStreams();
  // A pool of 8 connections: at most 4 of them read for events.sync.
  const limit = syncReadLimit(8);
  assert.equal(limit, 4);
  assert.equal(syncReadLimit(1), 1, 'embedded mode (one connection) still syncs');
  const deps = { store, syncReads: pLimit(limit) };
  const writers = Array.from({ length: 20 }, (_, i) => writerFor(`u-storm-${i}`, deps));
  const replies = await Promise.all(writers.flatMap((w) => [sync(w, 1), sync(w, 2)]));
  assert.deepEqual(results(replies), replies.map(() => ({ events: [], seq: 0 })));
  assert.equal(counts.most, limit, 'the limit is reached, never passed');
});
