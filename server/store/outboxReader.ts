// Replays a stream's committed events from the outbox (events.sync). Named by the entities
// (entityNames.ts).
import type { WireEvent } from '../../shared/protocol.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import type { StreamReader } from '../relay/eventBus.ts';
import { namesOf, perMapping } from './entityNames.ts';
import { preparedEach, type Sql } from './sql.ts';
import { headSeq } from './streamStore.ts';

export const SYNC_PAGE = 500;
/**
 * Bytes of event payloads in one events.sync reply: a page stops before passing it (one
 * event at least), and the client syncs again from the last seq it got, as with a full page.
 */
export const SYNC_REPLY_MAX_BYTES = 64 * 1024;

/**
 * events.sync reads a process runs at once: half of its pool connections (one in embedded mode).
 * Each read holds a connection, and many players syncing at once (a reconnect storm) would
 * otherwise hold all of them while commits and joins wait. The rest queue in memory; each player's
 * own syncs already run one at a time (PlayerWriter), and the sync byte budget bounds them.
 */
export function syncReadLimit(poolMax: number): number {
  return Math.max(1, Math.floor(poolMax / 2));
}

/** An outbox row as the readers select it: keyed by the entity's property names. */
export type OutboxRow = { stream: string; seq: string | number; type: string; payload: unknown; createdAt: Date };

/** The columns of an OutboxRow (`alias.` qualifies them when given). */
export const OUTBOX_ROW_FIELDS = ['stream', 'seq', 'type', 'payload', 'createdAt'] as const;

export function toWireEvent(row: OutboxRow): WireEvent {
  return { stream: row.stream, seq: Number(row.seq), type: row.type, at: new Date(row.createdAt).toISOString(), data: row.payload };
}

const statements = perMapping((metadata) => {
  const o = namesOf(metadata, OutboxEvent);
  const fields = OUTBOX_ROW_FIELDS.map((f) => `"${f}"`).join(', ');
  return preparedEach({
    page: `SELECT ${fields}, sum(octet_length(payload::text)) OVER (ORDER BY seq) AS bytes_through
       FROM (SELECT ${o.select(OUTBOX_ROW_FIELDS)} FROM ${o.table} WHERE ${o.col('stream')} = $1 AND ${o.col('seq')} > $2 ORDER BY ${o.col('seq')} LIMIT $3) page ORDER BY seq`,
    oldest: `SELECT min(${o.col('seq')}) AS seq FROM ${o.table} WHERE ${o.col('stream')} = $1`,
    between: `SELECT ${o.select(OUTBOX_ROW_FIELDS)} FROM ${o.table} WHERE ${o.col('stream')} = $1 AND ${o.col('seq')} > $2 AND ${o.col('seq')} < $3 ORDER BY ${o.col('seq')}`,
  });
});

export async function readStream(sql: Sql, stream: string, afterSeq: number, limit = SYNC_PAGE, maxBytes = SYNC_REPLY_MAX_BYTES): Promise<{ events: WireEvent[]; oldestSeq: number | null }> {
  const s = statements(sql.metadata);
  const page = await sql.query<OutboxRow & { bytes_through: string }>(s.page, [stream, afterSeq, limit]);
  const over = page.findIndex((row, i) => i > 0 && Number(row.bytes_through) > maxBytes);
  const rows = over === -1 ? page : page.slice(0, over);
  const [oldest] = await sql.query<{ seq: string | null }>(s.oldest, [stream]);
  return {
    events: rows.map(toWireEvent),
    oldestSeq: oldest.seq === null ? null : Number(oldest.seq),
  };
}

/** The outbox as the event bus reads it: a stream's head, and the rows of a gap. */
export function outboxStreamReader(sql: Sql): StreamReader {
  return {
    lastSeq: (stream) => headSeq(sql, stream),
    async between(stream, afterSeq, beforeSeq) {
      const rows = await sql.query<OutboxRow>(statements(sql.metadata).between, [stream, afterSeq, beforeSeq]);
      return rows.map(toWireEvent);
    },
  };
}
