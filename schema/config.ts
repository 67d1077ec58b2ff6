import path from 'node:path';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { Account } from './entities/account.ts';
import { Balance } from './entities/balance.ts';
import { Transfer } from './entities/transfer.ts';
import { Player } from './entities/player.ts';
import { CommandResult } from './entities/commandResult.ts';
import { OutboxEvent } from './entities/outboxEvent.ts';
import { ShopItem } from './entities/shopItem.ts';
import { RoomWriter } from './entities/roomWriter.ts';
import { Effect } from './entities/effect.ts';
import { Task } from './entities/task.ts';
import { AdminAudit } from './entities/adminAudit.ts';
import { CrashChain, CrashRound, CrashTable } from './entities/crashRound.ts';
import { RelayCursor } from './entities/relayCursor.ts';
import { UserSession } from './entities/userSession.ts';
import { EconomyVersion } from './entities/economyVersion.ts';

/**
 * House accounts seeded by the first migration. `mint` is where new money comes from (it may go
 * negative), the others hold money in flight or owed to players.
 */
export const SYSTEM_ACCOUNTS = ['mint', 'house', 'shop', 'bounty', 'escrow'] as const;
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];

export const ENTITIES = [Account, Balance, Transfer, Player, CommandResult, OutboxEvent, ShopItem, RoomWriter, Effect, Task, AdminAudit, CrashTable, CrashRound, CrashChain, RelayCursor, UserSession, EconomyVersion];

export const MIGRATIONS_PATH = path.join(import.meta.dirname, 'migrations');

export type OrmConfigExtra = {
  /** Upper bound of the connection pool. */
  poolMax?: number;
  /** How long a query waits for a free connection before it fails (pg's connectionTimeoutMillis). */
  acquireTimeoutMs?: number;
};

export function ormConfig(clientUrl: string, extra: OrmConfigExtra = {}): Options {
  return defineConfig({
    clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    debug: false,
    pool: { min: 1, max: extra.poolMax ?? 10 },
    ...(extra.acquireTimeoutMs ? { driverOptions: { connectionTimeoutMillis: extra.acquireTimeoutMs } } : {}),
    migrations: {
      path: MIGRATIONS_PATH,
      // Node 24 imports the generated .ts files natively (type stripping), no build step.
      emit: 'ts',
      glob: '!(*.d).ts',
      // One name whatever the database is called (the default embeds the db name, and every test
      // database has its own), so `migrate.ts create` always diffs against the committed snapshot.
      snapshotName: '.snapshot-coffer',
      // The snapshot is written by `create` and committed; `up` must not rewrite it from whatever
      // database it happens to run against (read-only in production, noise in git otherwise).
      snapshotOnMigrate: false,
      // The server logs what it applied itself; MikroORM's own lines would bypass pino.
      silent: true,
    },
  });
}
