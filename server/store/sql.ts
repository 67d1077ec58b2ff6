// The one door to PostgreSQL for hot paths: the `pg` pool inside MikroORM's PostgreSQL driver,
// used directly. Statements that run per batch, per command or per join are prepared (`prepared`
// below), so each connection parses and plans them once and afterwards receives only their
// parameters (MikroORM's `execute` would inline parameters into fresh SQL text every time). The
// statements take their table and column names from the entities' mapping the Sql carries
// (entityNames.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { MetadataStorage, MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import { ConnectionTurns } from './connectionTurns.ts';

export type Queryable = Pool | PoolClient;

/** Fixed SQL prepared once per connection under a name made from its text: two texts never share
 *  a name, so a process whose entities map other names never reuses a plan made for the old ones.
 *  `commits`: a statement that commits commands (the pipeline's batch) gets the next free
 *  connection before reads do (connectionTurns.ts). */
export type Statement = { readonly text: string; readonly name: string; readonly commits?: boolean };

/**
 * For statements run per join, command or batch. Parsing and planning them once per connection
 * instead of at every call took the database's CPU per join from about 1.5 ms to 0.5 ms (the
 * three statements of a join, BENCHMARKS.md). Not for SQL whose text varies from call to call:
 * every distinct text would stay prepared on every connection.
 */
export function prepared(text: string, opts: { commits?: boolean } = {}): Statement {
  return { text, name: `coffer_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`, ...(opts.commits ? { commits: true } : {}) };
}

/** Every text of a statements object (records of records too) prepared. */
export type PreparedEach<T> = { readonly [K in keyof T]: T[K] extends string ? Statement : PreparedEach<T[K]> };

export function preparedEach<T extends object>(texts: T): PreparedEach<T> {
  return Object.fromEntries(Object.entries(texts).map(([key, value]) => [key, typeof value === 'string' ? prepared(value) : preparedEach(value)])) as PreparedEach<T>;
}

export type Sql = {
  query<T = Record<string, unknown>>(statement: string | Statement, params?: readonly unknown[], on?: Queryable): Promise<T[]>;
  /** `commits`: the transaction commits commands (a shared room's), and so gets the next free
   *  connection before reads do (connectionTurns.ts). */
  transaction<T>(work: (trx: Queryable) => Promise<T>, opts?: { commits?: boolean }): Promise<T>;
  /** Throws NestedConnectionError when called from inside an open transaction of this Sql:
   *  for work that takes its own connection from the same pool (the ORM, orm.ts). */
  refuseNested(what: string): void;
  /** The entities' mapping: where hand-written statements get their names (entityNames.ts). */
  readonly metadata: MetadataStorage;
};

export async function sqlFor(orm: MikroORM): Promise<Sql> {
  return sqlOverPool((await orm.em.getConnection().getNativeClient()) as Pool, orm.getMetadata());
}

/** Work that would wait for a second connection while its own transaction holds one. */
export class NestedConnectionError extends Error {}

/** The transactions the current async call chain is inside, innermost first, while they are open
 *  (`open` turns false at the end, for work a transaction started and did not wait for). */
type OpenTransaction = { readonly sql: object; open: boolean; readonly outer: OpenTransaction | undefined };
const openTransactions = new AsyncLocalStorage<OpenTransaction>();

function openTransactionOf(sql: object | undefined): OpenTransaction | undefined {
  for (let t = openTransactions.getStore(); t; t = t.outer) if (t.open && (sql === undefined || t.sql === sql)) return t;
  return undefined;
}

/** Whether the current async call chain is inside an open transaction of any Sql: for work that
 *  must never hold one open while it waits on something else (a call to another room, roomCalls.ts). */
export function insideOpenTransaction(): boolean {
  return openTransactionOf(undefined) !== undefined;
}

/** The same over any `pg` pool (tools and tests that run without MikroORM's connection). */
export function sqlOverPool(pool: Pool, metadata: MetadataStorage): Sql {
  // Asking the pool for another connection from inside one of its open transactions waits on
  // itself when the pool has one connection (embedded mode: database.ts) and starves the pool
  // under load when it has a few, so it is refused loudly instead: pass `trx` along, or do the
  // work before or after the transaction.
  const self = {};
  // Statements on a connection of their own (not `on` a transaction's) take turns for the pool's
  // connections, commits first. The ORM's own queries go to the pool directly.
  const turns = new ConnectionTurns(pool.options.max ?? 10);
  const refuseNested = (what: string) => {
    if (openTransactionOf(self)) {
      throw new NestedConnectionError(`${what} outside the open transaction, from inside it: pass the transaction's connection, or move the work out of the transaction`);
    }
  };
  return {
    metadata,
    refuseNested,
    async query<T>(statement: string | Statement, params: readonly unknown[] = [], on?: Queryable) {
      if (!on) refuseNested('a query');
      const query = typeof statement === 'string' ? { text: statement } : { text: statement.text, name: statement.name };
      const run = (target: Queryable) => target.query({ ...query, values: [...params] });
      const result = on ? await run(on) : await turns.run(typeof statement !== 'string' && statement.commits === true, () => onPooledConnection(run));
      return result.rows as T[];
    },
    async transaction<T>(work: (trx: Queryable) => Promise<T>, opts: { commits?: boolean } = {}) {
      refuseNested('a second transaction');
      return turns.run(opts.commits ?? false, () => inTransaction(work));
    },
  };

  /**
   * `work` on a connection of the pool, which goes back to the pool unless the connection itself
   * failed. (`pool.query` drops the connection after any error, a refused CHECK too: the next one
   * prepares every statement again, and embedded mode's single PGlite session still holds the
   * statements the dropped connection prepared, so every one of them failed "already exists".)
   */
  async function onPooledConnection<R>(work: (client: PoolClient) => Promise<R>): Promise<R> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (isTransient(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async function inTransaction<T>(work: (trx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const scope: OpenTransaction = { sql: self, open: true, outer: openTransactions.getStore() };
    try {
      await client.query('BEGIN');
      const value = await openTransactions.run(scope, () => work(client));
      await client.query('COMMIT');
      return value;
    } catch (error) {
      // The rollback may fail too when the connection is gone; the original error is what matters.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      scope.open = false;
      client.release();
    }
  }
}

/** The batch would have sold more of a limited shop item than its stock. */
export function isSoldOut(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23514' && e.constraint === 'shop_items_stock_nonnegative';
}

/** SQLSTATEs and socket errors after which the same work may succeed unchanged. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const message = String((error as Error)?.message ?? error);
    return /Connection terminated|connection.*(closed|ended)|timeout|Client has encountered a connection error/i.test(message);
  }
  return (
    code === '40001' || // serialization_failure
    code === '40P01' || // deadlock_detected
    code.startsWith('08') || // connection exceptions
    code === '57P01' || code === '57P02' || code === '57P03' || // admin shutdown, crash shutdown, cannot connect now
    code === '53300' || // too many connections
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ENOTFOUND'
  );
}
