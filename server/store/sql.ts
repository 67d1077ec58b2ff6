// The one door to PostgreSQL for hot paths: MikroORM's own Kysely pool, with real bind parameters
// (MikroORM's `execute` inlines parameters into the SQL text, which is slow for the large arrays
// that set-based batch statements send).
import type { MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';

export type Queryable = Kysely<unknown> | Transaction<unknown>;

export type Sql = {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], on?: Queryable): Promise<T[]>;
  transaction<T>(work: (trx: Queryable) => Promise<T>): Promise<T>;
};

export function sqlFor(orm: MikroORM): Sql {
  const db = () => orm.em.getConnection().getClient<unknown>();
  return {
    async query<T>(text: string, params: readonly unknown[] = [], on?: Queryable) {
      const result = await (on ?? db()).executeQuery<T>(CompiledQuery.raw(text, [...params]));
      return result.rows as T[];
    },
    async transaction<T>(work: (trx: Queryable) => Promise<T>) {
      const trx = await db().startTransaction().execute();
      try {
        const value = await work(trx);
        await trx.commit().execute();
        return value;
      } catch (error) {
        // The rollback may fail too when the connection is gone; the original error is what matters.
        await trx.rollback().execute().catch(() => undefined);
        throw error;
      }
    },
  };
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
