// The writers' storage ports (server/core/ports.ts) on PostgreSQL or PGlite: thin adapters over the
// store functions that hold the SQL, so both modes run the same statements.
import type { Streams, WriterStore } from '../core/ports.ts';
import { pendingEffects } from './effectsStore.ts';
import { readStream } from './outboxReader.ts';
import { findReplies, findReply, loadPlayer } from './playerStore.ts';
import { commitFenced } from './roomFence.ts';
import { findStockLeft } from './shopStore.ts';
import type { Queryable, Sql } from './sql.ts';
import { insertEvents, insertReplies } from './streamStore.ts';

export function sqlWriterStore(sql: Sql): WriterStore<Queryable> {
  return {
    replies: {
      find: (actor, commandId) => findReply(sql, actor, commandId),
      findMany: (commands) => findReplies(sql, commands),
    },
    players: { load: (userId, displayName, now, recent, newSeed) => loadPlayer(sql, userId, displayName, now, recent, newSeed) },
    effects: { pending: (userId) => pendingEffects(sql, userId) },
    stock: { left: (offerId) => findStockLeft(sql, offerId) },
    streams: sqlStreams(sql),
    commits: {
      commit: (writerId, epoch, work, stored) =>
        commitFenced(sql, writerId, epoch, async (trx) => {
          await work(trx);
          await insertEvents(sql, trx, stored.events);
          await insertReplies(sql, trx, stored.replies);
        }),
    },
  };
}

/** A stream's committed events from the outbox (events.sync in every room). */
export function sqlStreams(sql: Sql): Streams {
  return { read: (stream, afterSeq) => readStream(sql, stream, afterSeq) };
}
