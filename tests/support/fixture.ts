// The common test-file setup: a migrated scratch database with one Coffer server on it; after the
// file, the server stopped, the ledger invariants checked and the database dropped.
import { after, before } from 'node:test';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { assertLedgerHolds } from './ledger.ts';
import { migrate, startServer, type RunningServer } from './server.ts';

export type ServerFixture = {
  db: TestDatabase;
  server: RunningServer;
  /** Starts the server again on the same database and port (after stop() or kill()); `overrides`
   *  replace variables of the fixture's environment for this start (an empty string unsets one). */
  restart(overrides?: Record<string, string>): Promise<RunningServer>;
};

export function serverFixture(prefix: string, env: Record<string, string> = {}): ServerFixture {
  const fx = {
    async restart(overrides: Record<string, string> = {}) {
      fx.server = await startServer({ DATABASE_URL: fx.db.url, ...env, ...overrides }, { port: fx.server.port });
      return fx.server;
    },
  } as ServerFixture;
  before(async () => {
    fx.db = await createTestDatabase(prefix);
    await migrate(fx.db.url);
    fx.server = await startServer({ DATABASE_URL: fx.db.url, ...env });
  });
  after(async () => {
    await fx.server?.stop();
    if (!fx.db) return;
    await assertLedgerHolds(fx.db.url);
    await fx.db.drop();
  });
  return fx;
}
