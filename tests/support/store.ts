// A scratch database opened the way the server opens its own (migrated, MikroORM and its pool),
// for tests that drive store code directly: the raw Sql and the ORM port over the same pool.
import { openDatabase, type Database } from '../../server/db/database.ts';
import { ormOver, type Orm } from '../../server/store/orm.ts';
import { sqlFor, type Sql } from '../../server/store/sql.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export type Store = { db: TestDatabase; database: Database; sql: Sql; orm: Orm; close(): Promise<void> };

export async function openStore(name: string): Promise<Store> {
  const db = await createTestDatabase(name);
  const database = await openDatabase({ databaseUrl: db.url, dataDir: '', migrate: true });
  const sql = await sqlFor(database.orm);
  return {
    db,
    database,
    sql,
    orm: ormOver(database.orm, sql),
    async close() {
      await database.close();
      await db.drop();
    },
  };
}
