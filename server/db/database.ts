/**
 * Opens Coffer's database: the PostgreSQL at `databaseUrl` ("services" mode), or, when there is none,
 * an embedded PGlite kept in `dataDir` ("embedded" mode, for running without any services).
 * Both go through the same MikroORM config and the same migrations.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../schema/config.ts';
import { migrateUp } from '../../schema/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

export type DatabaseMode = 'embedded' | 'services';

export type Database = {
  orm: MikroORM;
  mode: DatabaseMode;
  /** Closes the ORM's pool, then the embedded server if there is one. */
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  databaseUrl?: string;
  /** Where the embedded database lives; unused in services mode. */
  dataDir: string;
  poolMax?: number;
  /** Apply pending migrations before returning. */
  migrate: boolean;
  logger?: { info(o: object, msg: string): void };
};

const DEFAULT_POOL_MAX = 8;

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const mode: DatabaseMode = opts.databaseUrl ? 'services' : 'embedded';
  const poolMax = opts.poolMax ?? DEFAULT_POOL_MAX;
  // Headroom over the pool: the socket server frees a slot only after the closed socket's handler
  // has run, so a pool replacing a connection can briefly hold poolMax + 1 sockets.
  let embedded: EmbeddedPostgres | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(opts.dataDir, { maxConnections: poolMax + 2 });
    url = embedded.url;
  }

  let orm: MikroORM | undefined;
  try {
    orm = await MikroORM.init(ormConfig(url, { poolMax }));
    if (opts.migrate) {
      const applied = await migrateUp(orm);
      opts.logger?.info({ mode, applied }, applied.length > 0 ? 'database migrations applied' : 'database schema is current');
    }
  } catch (error) {
    await orm?.close(true);
    await embedded?.close();
    throw new Error(`could not open the ${mode} database${mode === 'embedded' ? ` in ${opts.dataDir}` : ''}`, { cause: error });
  }
  opts.logger?.info({ mode, dataDir: mode === 'embedded' ? opts.dataDir : undefined }, 'database opened');

  const opened = orm;
  let closing: Promise<void> | undefined;
  return {
    orm: opened,
    mode,
    close() {
      closing ??= (async () => {
        try {
          await opened.close(true);
        } finally {
          await embedded?.close();
        }
      })();
      return closing;
    },
  };
}
