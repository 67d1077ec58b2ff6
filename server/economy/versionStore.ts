// The published versions of the economy (table economy_versions, schema/entities/economyVersion.ts):
// the next version written inside a caller's transaction, the latest read once per poll, the rest
// cold reads through the EntityManager. A version is never changed once written.
import { AdminAudit } from '../../schema/entities/adminAudit.ts';
import { EconomyVersion } from '../../schema/entities/economyVersion.ts';
import type { Economy, EconomyVersionInfo, PublishedEconomy } from '../../shared/economy.ts';
import { namesOf, perMapping } from '../store/entityNames.ts';
import type { Orm } from '../store/orm.ts';
import { prepared, type Queryable, type Sql } from '../store/sql.ts';
import { jsonWithInt64 } from '../writers/int64Guard.ts';

/** Who published a version from the economy file at start: `file:<path>` (no admin's userId has a ':'). */
export const FILE_PUBLISHER = 'file:';

export type VersionListing = EconomyVersionInfo;

type Row = { version: number; document: Economy; publishedBy: string; publishedAt: Date };

const statements = perMapping((metadata) => {
  const v = namesOf(metadata, EconomyVersion);
  const a = namesOf(metadata, AdminAudit);
  const row = v.select(['version', 'document', 'publishedBy', 'publishedAt']);
  return {
    // Publishers take turns: the lock is held to the end of the publishing transaction, so the
    // next one reads the version it stored (and, at start, the file it published). Reads are not
    // blocked. Without it, publishers at once all read the same newest version and all but one
    // failed on the primary key, again and again under contention.
    lock: `LOCK TABLE ${v.table} IN EXCLUSIVE MODE`,
    // The next number is taken here, inside the transaction, after the lock; the primary key stays
    // the last word: two transactions can never store the same version.
    insert: `INSERT INTO ${v.table} (${v.cols(['version', 'document', 'publishedBy'])})
             SELECT coalesce(max(${v.col('version')}), 0) + 1, $1::json, $2 FROM ${v.table}
             RETURNING ${row}`,
    latest: prepared(`SELECT ${row} FROM ${v.table} ORDER BY ${v.col('version')} DESC LIMIT 1`),
    latestNumber: prepared(`SELECT max(${v.col('version')}) AS "version" FROM ${v.table}`),
    byNumber: prepared(`SELECT ${row} FROM ${v.table} WHERE ${v.col('version')} = $1`),
    lastFromFile: `SELECT ${row} FROM ${v.table} WHERE ${v.col('publishedBy')} LIKE '${FILE_PUBLISHER}%' ORDER BY ${v.col('version')} DESC LIMIT 1`,
    audit: `INSERT INTO ${a.table} (${a.cols(['admin', 'action', 'commandId', 'payload', 'result'])}) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`,
  };
});

const published = (r: Row): PublishedEconomy => ({ version: Number(r.version), economy: r.document, publishedBy: r.publishedBy, publishedAt: new Date(r.publishedAt).toISOString() });

/** Takes the publishers' turn inside `trx`, until it ends. */
export async function lockVersions(sql: Sql, trx: Queryable): Promise<void> {
  await sql.query(statements(sql.metadata).lock, [], trx);
}

/** Stores `economy` as the next version, inside `trx`; the stored row (its document in the order of its keys as given). */
export async function insertVersion(sql: Sql, trx: Queryable, economy: Economy, publishedBy: string): Promise<PublishedEconomy> {
  const [row] = await sql.query<Row>(statements(sql.metadata).insert, [JSON.stringify(economy), publishedBy], trx);
  return published(row!);
}

/** The admin's audit line of a publish, in the publishing transaction (the version and the audit agree). */
export async function insertPublishAudit(sql: Sql, trx: Queryable, audit: { admin: string; action: string; commandId: string; payload: unknown; result: unknown }): Promise<void> {
  await sql.query(statements(sql.metadata).audit, [audit.admin, audit.action, audit.commandId, jsonWithInt64(audit.payload), jsonWithInt64(audit.result)], trx);
}

export async function latestVersion(sql: Sql, trx?: Queryable): Promise<PublishedEconomy | undefined> {
  const [row] = await sql.query<Row>(statements(sql.metadata).latest, [], trx);
  return row && published(row);
}

/** The newest version's number (0 when none): what each process polls. */
export async function latestVersionNumber(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ version: number | null }>(statements(sql.metadata).latestNumber, []);
  return Number(row?.version ?? 0);
}

export async function versionByNumber(sql: Sql, version: number): Promise<PublishedEconomy | undefined> {
  const [row] = await sql.query<Row>(statements(sql.metadata).byNumber, [version]);
  return row && published(row);
}

/** The newest version published from the economy file, if any. */
export async function lastFromFile(sql: Sql, trx?: Queryable): Promise<PublishedEconomy | undefined> {
  const [row] = await sql.query<Row>(statements(sql.metadata).lastFromFile, [], trx);
  return row && published(row);
}

/** Every version, newest first, without documents (admin.economy.get). */
export async function listVersions(orm: Orm): Promise<VersionListing[]> {
  const rows = await orm.em().find(EconomyVersion, {}, { fields: ['version', 'publishedAt', 'publishedBy'], orderBy: { version: 'desc' } });
  return rows.map((r) => ({ version: r.version, publishedAt: r.publishedAt.toISOString(), publishedBy: r.publishedBy }));
}

/** The storage refused the next version because another process stored it first (a unique
 *  violation on the versions' table: its primary key). */
export function isVersionTaken(sql: Sql, error: unknown): boolean {
  const e = error as { code?: unknown; table?: unknown };
  return e?.code === '23505' && `"${String(e.table)}"` === namesOf(sql.metadata, EconomyVersion).table;
}
