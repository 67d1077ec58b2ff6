/**
 * Schema migrations: helpers for the server (apply at boot, readiness check) and a small CLI.
 *
 *   node schema/migrate.ts up             apply pending migrations to $DATABASE_URL
 *   node schema/migrate.ts create [name]  write a migration for the entity changes not yet in the snapshot
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from './config.ts';

// Structural, so callers may pass any MikroORM flavour whose config registered the Migrator.
type OrmWithMigrator = Pick<MikroORM, 'migrator'>;

/** Applies every pending migration in one transaction (all or nothing); returns the names applied. */
export async function migrateUp(orm: OrmWithMigrator): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map(m => m.name);
}

/** Names of migrations present on disk but not yet applied; empty when the database is current. */
export async function pendingMigrations(orm: OrmWithMigrator): Promise<string[]> {
  const pending = await orm.migrator.getPending();
  return pending.map(m => m.name);
}

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  if (command !== 'up' && command !== 'create') {
    console.error('usage: node schema/migrate.ts up | create [name]');
    return 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(`DATABASE_URL is not set: point it at the PostgreSQL database to ${command === 'up' ? 'migrate' : 'diff against'} (postgres://user@host:5432/db)`);
    return 1;
  }
  const orm = await MikroORM.init(ormConfig(url, { poolMax: 2 }));
  try {
    if (command === 'up') {
      const applied = await migrateUp(orm);
      console.log(applied.length === 0 ? 'Database is up to date, nothing applied.' : applied.map(n => `applied ${n}`).join('\n'));
    } else {
      const result = await orm.migrator.create(undefined, false, false, name);
      console.log(result.fileName ? `created schema/migrations/${result.fileName}` : 'Entities match the snapshot, no migration needed.');
    }
    return 0;
  } finally {
    await orm.close(true);
  }
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    // Usually the database is unreachable or a migration's SQL failed (and was rolled back as a
    // whole); the message says which, a stack trace through pg-pool and kysely would not.
    const message = error instanceof Error ? error.message : String(error);
    const command = process.argv[2];
    console.error(`schema/migrate.ts ${command} failed${command === 'up' ? ' (nothing was applied)' : ''}: ${message}`);
    process.exitCode = 1;
  }
}
