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
  /** Connections the pool holds at most (1 in embedded mode). */
  poolMax: number;
  /** Closes the ORM's pool, then the embedded server if there is one. */
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  databaseUrl?: string;
  /** Where the embedded database lives; unused in services mode. */
  dataDir: string;
  /** Connections to PostgreSQL in services mode; embedded mode always has exactly one. */
  poolMax?: number;
  /** Apply pending migrations before returning. */
  migrate: boolean;
  logger?: { info(o: object, msg: string): void };
};

const DEFAULT_POOL_MAX = 8;

/**
 * Embedded mode: PGlite is ONE PostgreSQL session. Several pool connections would share it, and
 * their protocol traffic would interleave: named statements collide (42P05), one connection's
 * portal is run or closed by another, and a transaction opened by one swallows the others'
 * statements. So every reader and writer of the process (the commit pipeline, rooms, the shop
 * catalog, the effect sweeper, MikroORM itself) goes through one connection, and the pool queues
 * the rest. The price: nothing may wait on a second connection while holding the first (see
 * `sqlOverPool`, which refuses that), and one slow statement delays everyone.
 */
const EMBEDDED_POOL_MAX = 1;
/** How long a statement waits for the embedded connection before it fails as transient
 *  (retryable): a wait this long means the one session is stuck, not busy. */
const EMBEDDED_ACQUIRE_TIMEOUT_MS = 15_000;

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const mode: DatabaseMode = opts.databaseUrl ? 'services' : 'embedded';
  const poolMax = mode === 'embedded' ? EMBEDDED_POOL_MAX : (opts.poolMax ?? DEFAULT_POOL_MAX);
  let embedded: EmbeddedPostgres | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(opts.dataDir);
    url = embedded.url;
  }

  let orm: MikroORM | undefined;
  try {
    orm = await MikroORM.init(ormConfig(url, { poolMax, acquireTimeoutMs: mode === 'embedded' ? EMBEDDED_ACQUIRE_TIMEOUT_MS : undefined }));
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
    poolMax,
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
