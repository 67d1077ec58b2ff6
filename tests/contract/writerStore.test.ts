// Runs the writers' storage contract (writerStore.contract.ts) against the in-memory fake, PGlite
// (embedded mode's database) and PostgreSQL, each opened the way the server opens it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStore } from '../../server/core/memoryStore.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { batchStatement } from '../../server/store/batchStatements.ts';
import { CommitPipeline } from '../../server/store/commitPipeline.ts';
import { insertEffects } from '../../server/store/effectsStore.ts';
import { takeRoomFence } from '../../server/store/roomFence.ts';
import { sqlFor } from '../../server/store/sql.ts';
import { sqlWriterStore } from '../../server/store/writerStore.ts';
import { createTestDatabase } from '../support/db.ts';
import { writerStoreContract, type ContractSubject } from './writerStore.contract.ts';

/** The ports over an opened database, set up through the store functions the rooms use. */
async function databaseSubject(database: Database, cleanUp: () => Promise<void>): Promise<ContractSubject> {
  const sql = await sqlFor(database.orm);
  return {
    store: sqlWriterStore(sql),
    commits: new CommitPipeline(sql, batchStatement(database.orm.getMetadata())),
    takeRoomFence: (writerId) => takeRoomFence(sql, writerId),
    owe: (effects) => sql.transaction((trx) => insertEffects(sql, trx, effects)),
    transfersOf: async (account) => {
      const rows = await sql.query<{ from: string; to: string; amount: string; currency: string; reason: string; ref: string | null; commandId: string | null; economyVersion: number | null }>(
        `SELECT from_account AS "from", to_account AS "to", amount, currency, reason, ref, command_id AS "commandId", economy_version AS "economyVersion"
           FROM transfers WHERE from_account = $1 OR to_account = $1 ORDER BY id`,
        [account],
      );
      return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
    },
    async stop() {
      try {
        await database.close();
      } finally {
        await cleanUp();
      }
    },
  };
}

writerStoreContract('in memory', async () => {
  const memory = new MemoryStore();
  return {
    store: memory,
    commits: memory,
    takeRoomFence: async (writerId) => memory.takeRoomFence(writerId),
    owe: async (effects) => memory.owe(effects),
    transfersOf: async (account) => memory.transfersOf(account),
    stop: async () => void (memory.down = true),
  };
});

writerStoreContract('PGlite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-contract-'));
  const database = await openDatabase({ dataDir, migrate: true });
  return databaseSubject(database, () => rm(dataDir, { recursive: true, force: true }));
});

writerStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('writer_store');
  const database = await openDatabase({ databaseUrl: db.url, dataDir: '', migrate: true });
  return databaseSubject(database, () => db.drop());
});
