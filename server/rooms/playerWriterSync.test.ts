// One account's events.sync run one at a time (playerWriter.ts #syncInTurn): each holds a pool
// connection while it reads, and eight sockets of one account syncing at once took the whole pool,
// so every other player's commits waited (the noisy-neighbour phase of `npm run bench` went from
// 2.1-3.1x to 0.3-0.7x with this). A fake Sql counts the reads in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType } from '../../shared/commandNames.ts';
import { entityMetadata } from '../../tests/support/metadata.ts';
import { freshFairness } from '../domain/fairness.ts';
import type { Sql } from '../store/sql.ts';
import { PlayerWriter, type WriterDeps } from './playerWriter.ts';

test("one player's events.sync read one at a time, each answered", async () => {
  let inFlight = 0;
  let most = 0;
  const sql = {
    metadata: entityMetadata(),
    async query(_text: string, params: unknown[]) {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve)); // a read that takes a turn of the loop
      inFlight--;
      // The stream's oldest seq (one parameter), or its page of events (none).
      return params.length === 1 ? [{ seq: null }] : [];
    },
  } as unknown as Sql;
  const player = { userId: 'u-sync', displayName: 'sync', balance: 0, xp: 0, level: 1, stats: {}, inventory: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: freshFairness('s', 'c') };
  const writer = new PlayerWriter({ sql } as unknown as WriterDeps, { player, epoch: 1, replies: [], owed: [] }, { committed: () => undefined, reloaded: () => undefined, fenced: () => undefined });
  const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => writer.handle(CommandType.eventsSync, { id: `sync-${i}-abcdef`, afterSeq: 0 }, false)));
  assert.deepEqual(
    replies.map((r) => ('ack' in r ? r.ack.result : r.nack.code)),
    replies.map(() => ({ events: [], seq: 0 })),
  );
  assert.equal(most, 1, 'never two reads of one player at once');
});
