/**
 * Scratch databases on the test PostgreSQL: each test file gets its own, so files can run in
 * parallel and a failed run leaves nothing that the next one trips over.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The slice of a `pg` Client that tests use. */
export type PgClient = {
  connect(): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
};

// `pg` (installed with @mikro-orm/postgresql) ships no type declarations and @types/pg is not a
// dependency, so `import pg from 'pg'` fails strict type checking; it is loaded and typed here instead.
const pg = createRequire(import.meta.url)('pg') as { Client: new (connectionString: string) => PgClient };

/** A plain `pg` client, outside MikroORM, for admin statements and driver-level checks. */
export function pgClient(url: string): PgClient {
  return new pg.Client(url);
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = {
  url: string;
  /** Drops the database, disconnecting whoever is still connected (a test that forgot to close). */
  drop(): Promise<void>;
};

async function onAdminDatabase(sql: string): Promise<void> {
  const client = pgClient(TEST_DATABASE_URL);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach the test PostgreSQL at TEST_DATABASE_URL (${new URL(TEST_DATABASE_URL).host})`, { cause: error });
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `<prefix>_<random>`; `prefix` must be a plain lowercase identifier. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(`test database prefix must match [a-z][a-z0-9_]*, got ${JSON.stringify(prefix)}`);
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onAdminDatabase(`create database "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onAdminDatabase(`drop database if exists "${name}" with (force)`),
  };
}
