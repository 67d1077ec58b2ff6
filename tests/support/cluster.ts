// Several Coffer processes acting as one server: one scratch PostgreSQL database, one Redis key
// namespace (REDIS_KEY_PREFIX, so test runs sharing the Redis stay apart), each process with its
// own PUBLIC_ADDRESS. After the file: processes stopped, ledger checked, database dropped, keys
// deleted.
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { assertLedgerHolds } from './ledger.ts';
import { freePort, migrate, startServer, type RunningServer } from './server.ts';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type ClusterFixture = {
  db: TestDatabase;
  servers: RunningServer[];
  /** The Redis key prefix of this cluster. */
  keyPrefix: string;
  /** Starts process `i` again on its port (after kill() or stop()). */
  restart(i: number): Promise<RunningServer>;
  /** A Redis connection outside the servers (no key prefix). */
  redis(): Redis;
};

export function clusterFixture(prefix: string, size = 2, env: Record<string, string> = {}): ClusterFixture {
  const connections: Redis[] = [];
  const envFor = (port: number) => ({
    DATABASE_URL: fx.db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: fx.keyPrefix,
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    ...env,
  });
  const fx: ClusterFixture = {
    db: undefined as unknown as TestDatabase,
    servers: [],
    keyPrefix: '',
    async restart(i) {
      const port = fx.servers[i].port;
      fx.servers[i] = await startServer(envFor(port), { port });
      return fx.servers[i];
    },
    redis() {
      const connection = new Redis(TEST_REDIS_URL);
      connections.push(connection);
      return connection;
    },
  };
  before(async () => {
    fx.db = await createTestDatabase(prefix);
    fx.keyPrefix = `test:${new URL(fx.db.url).pathname.slice(1)}:`;
    await migrate(fx.db.url);
    const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
    fx.servers = await Promise.all(ports.map((port) => startServer(envFor(port), { port })));
  });
  after(async () => {
    await Promise.all(fx.servers.map((s) => s.stop()));
    if (fx.db) {
      await assertLedgerHolds(fx.db.url);
      await fx.db.drop();
    }
    if (fx.keyPrefix) await deleteKeys(fx.redis(), fx.keyPrefix);
    for (const connection of connections) connection.disconnect();
  });
  return fx;
}

/** Deletes every key under `keyPrefix`: what FLUSHALL does to this cluster, and only to it. */
export async function deleteKeys(redis: Redis, keyPrefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
