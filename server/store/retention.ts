// Retention: nothing was ever deleted, so `command_results` and `outbox` grew without
// bound. Pruned in bounded batches by a timer in every process (a batch is one short statement;
// processes pruning at once only find fewer rows):
// - command_results: stored replies older than the idempotency window (IDEMPOTENCY_WINDOW_HOURS,
//   at least 24 h). A command retried after that is judged again as a new one.
// - outbox: events older than OUTBOX_RETENTION_HOURS that were relayed (below the Redis relay's
//   cursor; without Redis every committed row was delivered in-process at once). Each stream keeps
//   its newest row, so `events.sync` always knows where the stream starts: asking for seqs older
//   than that gets the snapshot answer (`{ snapshot: true, seq }`), never a silent gap.
// - transfers (the ledger) are never pruned.
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { RelayCursor } from '../../schema/entities/relayCursor.ts';
import type { Clock } from '../domain/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { namesOf, perMapping } from './entityNames.ts';
import { preparedEach, type Sql } from './sql.ts';

export const RETENTION_BATCH = 1000;
/** Batches per table per sweep: a backlog is worked off over several sweeps, never in one long burst. */
export const RETENTION_MAX_BATCHES = 50;

export type RetentionSettings = { idempotencyWindowHours: number; outboxRetentionHours: number; sweepSeconds: number; relayed: 'redis' | 'in-process' };

/** The name of the Redis relay's cursor (server/relay/startRelay.ts). */
const REDIS_CURSOR = 'redis';

const statements = perMapping((metadata) => {
  const c = namesOf(metadata, CommandResult);
  const o = namesOf(metadata, OutboxEvent);
  const r = namesOf(metadata, RelayCursor);
  // Oldest transactions first (the relay's index); only rows the Redis relay has passed. The kept
  // newest row of each quiet stream is read again by every sweep (one per stream: a sweep over a
  // million idle players reads a million index entries, about a second of database time).
  const outbox = (relayedOnly: string) => `DELETE FROM ${o.table} WHERE (${o.cols(['stream', 'seq'])}) IN (
       SELECT o.${o.col('stream')}, o.${o.col('seq')} FROM ${o.table} o
        WHERE o.${o.col('createdAt')} < $1 ${relayedOnly}
          AND EXISTS (SELECT 1 FROM ${o.table} newer WHERE newer.${o.col('stream')} = o.${o.col('stream')} AND newer.${o.col('seq')} > o.${o.col('seq')})
        ORDER BY o.${o.col('xid')} LIMIT $2)
     RETURNING 1`;
  return preparedEach({
    commandResults: `DELETE FROM ${c.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${c.table} WHERE ${c.col('createdAt')} < $1 LIMIT $2)) RETURNING 1`,
    outbox: {
      redis: outbox(`AND o.${o.col('xid')} < (SELECT ${r.col('xid')} FROM ${r.table} WHERE ${r.col('name')} = '${REDIS_CURSOR}')`),
      'in-process': outbox(''),
    } satisfies Record<RetentionSettings['relayed'], string>,
  });
});

export async function pruneCommandResults(sql: Sql, olderThan: Date, batch = RETENTION_BATCH): Promise<number> {
  const rows = await sql.query(statements(sql.metadata).commandResults, [olderThan, batch]);
  return rows.length;
}

export async function pruneOutbox(sql: Sql, olderThan: Date, relayed: RetentionSettings['relayed'], batch = RETENTION_BATCH): Promise<number> {
  const rows = await sql.query(statements(sql.metadata).outbox[relayed], [olderThan, batch]);
  return rows.length;
}

/** One sweep: each table in batches until a batch comes back short (or the batch bound). */
export async function sweepRetention(sql: Sql, settings: RetentionSettings, now: number): Promise<{ commandResults: number; outbox: number }> {
  const drain = async (prune: () => Promise<number>) => {
    let total = 0;
    for (let i = 0; i < RETENTION_MAX_BATCHES; i++) {
      const n = await prune();
      total += n;
      if (n < RETENTION_BATCH) break;
    }
    return total;
  };
  const replies = new Date(now - settings.idempotencyWindowHours * 3_600_000);
  const events = new Date(now - settings.outboxRetentionHours * 3_600_000);
  return {
    commandResults: await drain(() => pruneCommandResults(sql, replies)),
    outbox: await drain(() => pruneOutbox(sql, events, settings.relayed)),
  };
}

/** Sweeps every `sweepSeconds`; returns the stop function. */
export function startRetention(sql: Sql, settings: RetentionSettings, clock: Clock, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void sweepRetention(sql, settings, clock.now())
      .then((pruned) => {
        if (pruned.commandResults + pruned.outbox > 0) logger.info(pruned, 'retention: pruned stored replies and relayed events');
      })
      // Storage away: the next sweep tries again; nothing depends on a sweep having run.
      .catch((error: unknown) => logger.warn({ err: error }, 'retention sweep failed; will retry'))
      .finally(() => (running = false));
  }, settings.sweepSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
