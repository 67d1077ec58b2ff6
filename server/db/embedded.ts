/**
 * Embedded PostgreSQL for running Coffer without services: PGlite (Postgres compiled to WASM, one
 * session) behind pglite-socket's wire-protocol server, so the stock `pg` driver in
 * @mikro-orm/postgresql, the same migrations and the same SQL run against it unchanged. The
 * process talks to it through exactly one connection (database.ts says why), and no other process
 * opens the same DATA_DIR (dataDirLock.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir } from './dataDirLock.ts';

export type EmbeddedPostgres = {
  /** postgres://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops accepting connections, then closes PGlite (which flushes its data to dataDir). */
  close(): Promise<void>;
};

// PGlite is initialised with its defaults: role `postgres` and database `postgres`. The socket server
// does no authentication, but `pg` wants a user and a database name in the URL.
const USER = 'postgres';
const DATABASE = 'postgres';
/** One live connection, plus one slot of headroom: the socket server frees a slot only after a
 *  closed socket's handler has run, so a pool replacing a broken connection briefly holds two. */
const MAX_CONNECTIONS = 2;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  // PGlite creates the data directory itself, but not its missing parents.
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(path.join(dataDir, 'pg'));
  } catch (error) {
    await unlock();
    throw error;
  }
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0, // the OS picks a free port; start() records it
    maxConnections: MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    await unlock();
    throw new Error(`could not start the embedded PostgreSQL server for ${dataDir}`, { cause: error });
  }
  const url = `postgres://${USER}:${USER}@${server.getServerConn()}/${DATABASE}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        await server.stop();
        await db.close();
        await unlock();
      })();
      return closing;
    },
  };
}
