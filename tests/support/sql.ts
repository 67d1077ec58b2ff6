// The server's Sql interface over a plain `pg` pool, for tests that drive store or relay code
// directly against a scratch database.
import { createRequire } from 'node:module';
import type { Pool } from 'pg';
import { sqlOverPool, type Sql } from '../../server/store/sql.ts';
import { entityMetadata } from './metadata.ts';

const pg = createRequire(import.meta.url)('pg') as { Pool: new (options: { connectionString: string; max?: number }) => Pool };

export function sqlPool(url: string, connections = 4): Sql & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // An idle connection closed by the database going away (the scratch database dropped) is not
  // a test failure.
  pool.on('error', () => undefined);
  return { ...sqlOverPool(pool, entityMetadata()), end: () => pool.end() };
}
