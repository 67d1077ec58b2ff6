// The outbox relay (INV-7, docs/ARCHITECTURE.md): copies committed outbox rows, in commit
// order, to a sink (Redis Streams in services mode, the process's own event bus when embedded).
//
// Order and completeness come from transaction ids, not from a serial id: a row is read only once
// every transaction with a smaller xid has ended (xid < the snapshot's xmin), so a slow transaction
// that holds an early row delays the relay instead of being skipped. The position is the key of the
// last published row, kept in PostgreSQL (`relay_cursors`) and advanced in the same transaction
// that read the rows, after the sink took them: a crash in between publishes those rows again,
// which consumers drop by (stream, seq). Any number of relays may run against one database; a
// transaction-scoped advisory lock per cursor lets one of them work at a time.
import type { WireEvent } from '../../shared/protocol.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { RelayCursor } from '../../schema/entities/relayCursor.ts';
import { namesOf, perMapping } from '../store/entityNames.ts';
import { OUTBOX_ROW_FIELDS, toWireEvent, type OutboxRow } from '../store/outboxReader.ts';
import { preparedEach, type Queryable, type Sql, type Statement } from '../store/sql.ts';

export type RelaySink = {
  /** Takes rows in order; throws when they may not have arrived (they are read again). */
  publish(events: readonly WireEvent[]): Promise<void>;
  /**
   * Asked before each batch: true when the target lost what it held (Redis flushed or restarted
   * empty), so the relay first publishes again the last `replayRows` rows it had relayed.
   */
  lostData?(): Promise<boolean>;
};

export type RelayOptions = {
  /** `relay_cursors.name`: one position per target. */
  name: string;
  batchSize?: number;
  /** Rows published again when the sink lost its data. */
  replayRows?: number;
  onRelayed?: (events: readonly WireEvent[]) => void;
  onReplay?: (rows: number) => void;
};

type Key = { xid: string; stream: string; seq: number };
type Row = OutboxRow & { xid: string; seq: string };

/** First half of the advisory lock key of a cursor (`cofr`); the second is the cursor's name hashed. */
const RELAY_LOCK = 0x636f6672;

/** The relay's statements, named by the entities (server/store/entityNames.ts). */
const statements = perMapping((metadata) => {
  const o = namesOf(metadata, OutboxEvent);
  const r = namesOf(metadata, RelayCursor);
  const key = `(${o.cols(['xid', 'stream', 'seq'])})`;
  const row = `${o.col('xid')}::text AS xid, ${o.select(OUTBOX_ROW_FIELDS)}`;
  return preparedEach({
    lock: 'SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked',
    rows: `
  SELECT ${row} FROM ${o.table}
  WHERE ${key} > ($1::xid8, $2, $3) AND ${o.col('xid')} < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY ${o.cols(['xid', 'stream', 'seq'])} LIMIT $4`,
    replay: `
  SELECT ${row} FROM ${o.table}
  WHERE ${key} <= ($1::xid8, $2, $3)
  ORDER BY ${o.col('xid')} DESC, ${o.col('stream')} DESC, ${o.col('seq')} DESC LIMIT $4`,
    cursor: `SELECT ${r.col('xid')}::text AS xid, ${r.select(['stream', 'seq'])} FROM ${r.table} WHERE ${r.col('name')} = $1`,
    // A new cursor starts at the present: rows of transactions that ended before are history,
    // which consumers read from PostgreSQL (events.sync), not from the relay.
    cursorInit: `INSERT INTO ${r.table} (${r.cols(['name', 'xid'])}) VALUES ($1, pg_snapshot_xmin(pg_current_snapshot())) ON CONFLICT (${r.col('name')}) DO NOTHING`,
    advance: `UPDATE ${r.table} SET ${r.col('xid')} = $2::xid8, ${r.col('stream')} = $3, ${r.col('seq')} = $4, ${r.col('updatedAt')} = now() WHERE ${r.col('name')} = $1`,
  });
});

export class OutboxRelay {
  readonly #sql: Sql;
  readonly #sink: RelaySink;
  readonly #statements: ReturnType<typeof statements>;
  readonly #options: Required<Omit<RelayOptions, 'onRelayed' | 'onReplay'>> & Pick<RelayOptions, 'onRelayed' | 'onReplay'>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(sql: Sql, sink: RelaySink, options: RelayOptions) {
    this.#sql = sql;
    this.#sink = sink;
    this.#statements = statements(sql.metadata);
    this.#options = { batchSize: 1000, replayRows: 10_000, ...options };
  }

  /**
   * One pass: publishes what is ready, up to one batch. Returns the rows published, or `null`
   * when another relay holds the lock.
   */
  step(): Promise<number | null> {
    return this.#sql.transaction(async (trx) => {
      const [{ locked }] = await this.#query<{ locked: boolean }>(trx, this.#statements.lock, [RELAY_LOCK, this.#options.name]);
      if (!locked) return null;
      let from = await this.#cursor(trx);
      if (this.#sink.lostData && (await this.#sink.lostData())) from = await this.#replay(trx, from);
      const rows = await this.#query<Row>(trx, this.#statements.rows, [from.xid, from.stream, from.seq, this.#options.batchSize]);
      if (rows.length === 0) return 0;
      const events = rows.map(toWireEvent);
      await this.#sink.publish(events);
      const last = rows[rows.length - 1];
      await this.#query(trx, this.#statements.advance, [this.#options.name, last.xid, last.stream, last.seq]);
      this.#options.onRelayed?.(events);
      return rows.length;
    });
  }

  /**
   * Runs steps every `pollMs`, back to back while full batches keep coming, and backing off up to
   * a second while the database or the sink fails.
   */
  start(pollMs: number, onError: (error: unknown) => void): void {
    let failures = 0;
    const tick = async () => {
      this.#timer = undefined;
      if (this.#stopped) return;
      let published: number | null = 0;
      try {
        this.#running = this.step();
        published = (await this.#running) as number | null;
        failures = 0;
      } catch (error) {
        if (failures++ === 0) onError(error);
      } finally {
        this.#running = undefined;
      }
      const delay = failures > 0 ? Math.min(1000, pollMs * 2 ** failures) : published === this.#options.batchSize ? 0 : pollMs;
      if (!this.#stopped) this.#timer = setTimeout(tick, delay);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops polling after publishing what is committed now (SIGTERM: flush the relay). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    for (let i = 0; i < 100; i++) {
      const published = await this.step().catch(() => 0);
      if (published !== this.#options.batchSize) break;
    }
  }

  async #cursor(trx: Queryable): Promise<Key> {
    const select = () => this.#query<{ xid: string; stream: string; seq: string }>(trx, this.#statements.cursor, [this.#options.name]);
    let [row] = await select();
    if (!row) {
      await this.#query(trx, this.#statements.cursorInit, [this.#options.name]);
      [row] = await select();
    }
    return { xid: row.xid, stream: row.stream, seq: Number(row.seq) };
  }

  /** Publishes again the last relayed rows (oldest first); the position does not move. */
  async #replay(trx: Queryable, from: Key): Promise<Key> {
    const rows = await this.#query<Row>(trx, this.#statements.replay, [from.xid, from.stream, from.seq, this.#options.replayRows]);
    rows.reverse();
    for (let i = 0; i < rows.length; i += this.#options.batchSize) await this.#sink.publish(rows.slice(i, i + this.#options.batchSize).map(toWireEvent));
    this.#options.onReplay?.(rows.length);
    return from;
  }

  #query<T>(trx: Queryable, statement: Statement, params: unknown[]): Promise<T[]> {
    return this.#sql.query<T>(statement, params, trx);
  }
}
