// The effects owed to players (schema/entities/effect.ts): what one player still has to apply
// (raw SQL named by the entities: the player room's path), and which players the sweeper should
// wake (through the ORM).
import type { Effect } from '../domain/effects.ts';
import { raw, type MetadataStorage } from '@mikro-orm/postgresql';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { Effect as EffectRow } from '../../schema/entities/effect.ts';
import { namesOf, perMapping } from './entityNames.ts';
import type { Orm } from './orm.ts';
import { preparedEach, type Queryable, type Sql } from './sql.ts';

/** A domain Effect's fields (the entity's properties of the same names) and their SQL types. */
const EFFECT_TYPES = { key: 'text', userId: 'text', fromAccount: 'text', currency: 'text', amount: 'bigint', xp: 'bigint', reason: 'text', ref: 'text' } as const satisfies Record<keyof Effect, string>;
const EFFECT_FIELDS = Object.keys(EFFECT_TYPES) as Array<keyof typeof EFFECT_TYPES>;

/**
 * The effects a player still owes, in one statement: `marked` is a CTE (for a WITH list) marking
 * applied the effects whose application is recorded (their 'fx:' || key reply, see
 * effectCommandId in server/domain/effects.ts: applied, then delivered again); `owed` selects the others, oldest first, with
 * the domain Effect's field names. The SELECT reads the snapshot from before the UPDATE, so it
 * leaves out the keys the UPDATE marked. `user` is the statement's parameter holding the user id.
 * The player room's load (playerStore.ts) reads them with the player; pendingEffects alone.
 */
export function owedEffectsSql(metadata: MetadataStorage, user: string): { marked: string; owed: string } {
  const f = namesOf(metadata, EffectRow);
  const c = namesOf(metadata, CommandResult);
  return {
    marked: `marked AS (
        UPDATE ${f.table} AS f SET ${f.col('appliedAt')} = now()
         WHERE f.${f.col('userId')} = ${user} AND f.${f.col('appliedAt')} IS NULL
           AND EXISTS (SELECT 1 FROM ${c.table} c WHERE c.${c.col('actor')} = f.${f.col('userId')} AND c.${c.col('commandId')} = 'fx:' || f.${f.col('key')})
        RETURNING f.${f.col('key')} AS key
      )`,
    owed: `SELECT ${f.select(EFFECT_FIELDS)} FROM ${f.table}
       WHERE ${f.col('userId')} = ${user} AND ${f.col('appliedAt')} IS NULL AND ${f.col('key')} NOT IN (SELECT key FROM marked)
       ORDER BY ${f.cols(['createdAt', 'key'])} LIMIT 100`,
  };
}

/** A stored effect as pg returns it (bigint columns as strings) or as JSON (numbers). */
export type EffectRowValues = Omit<Effect, 'amount' | 'xp'> & { amount: string | number; xp: string | number };

export function effectOf(r: EffectRowValues): Effect {
  return { key: r.key, userId: r.userId, fromAccount: r.fromAccount, currency: r.currency, amount: Number(r.amount), xp: Number(r.xp), reason: r.reason, ref: r.ref };
}

const statements = perMapping((metadata) => {
  const f = namesOf(metadata, EffectRow);
  const owed = owedEffectsSql(metadata, '$1');
  // Inserted effects travel as one JSON document of domain Effects.
  const insert = `INSERT INTO ${f.table} (${f.cols(EFFECT_FIELDS)})
     SELECT ${EFFECT_FIELDS.map((p) => `"${p}"`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS e(${EFFECT_FIELDS.map((p) => `"${p}" ${EFFECT_TYPES[p]}`).join(', ')})`;
  // An effect may name the key it had in an earlier version (`legacyKey`): a row stored under that
  // key for the same player and ref is the same effect, already owed (insertEffectsOnce).
  const insertOnce = `INSERT INTO ${f.table} (${f.cols(EFFECT_FIELDS)})
     SELECT ${EFFECT_FIELDS.map((p) => `e."${p}"`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS e(${EFFECT_FIELDS.map((p) => `"${p}" ${EFFECT_TYPES[p]}`).join(', ')}, "legacyKey" text)
      WHERE e."legacyKey" IS NULL OR NOT EXISTS (
        SELECT 1 FROM ${f.table} old
         WHERE old.${f.col('key')} = e."legacyKey" AND old.${f.col('userId')} = e."userId" AND old.${f.col('ref')} IS NOT DISTINCT FROM e."ref")
     ON CONFLICT (${f.col('key')}) DO NOTHING RETURNING ${f.col('key')}`;
  return preparedEach({
    pending: `WITH ${owed.marked} ${owed.owed}`,
    insert,
    insertOnce,
  });
});

/**
 * Effects not applied yet, oldest first. An effect whose application is already recorded (its
 * `fx:` reply exists, e.g. applied and then delivered again) is marked applied here instead.
 */
export async function pendingEffects(sql: Sql, userId: string): Promise<Effect[]> {
  const rows = await sql.query<EffectRowValues>(statements(sql.metadata).pending, [userId]);
  return rows.map(effectOf);
}

/** Players owed effects written more than `olderThanMs` ago (the owner should have applied them).
 *  The age is measured by the database's clock, the one that stamped `created_at`. */
export async function playersOwed(orm: Orm, olderThanMs: number): Promise<string[]> {
  const rows = await orm
    .em()
    .createQueryBuilder(EffectRow)
    .select('userId', true)
    .where({ appliedAt: null, createdAt: { $lt: raw('now() - make_interval(secs => ?)', [olderThanMs / 1000]) } })
    .limit(500)
    .execute('all');
  return rows.map((r) => r.userId);
}

export async function insertEffects(sql: Sql, trx: Queryable, effects: readonly Effect[]): Promise<void> {
  if (effects.length === 0) return;
  await sql.query(statements(sql.metadata).insert, [JSON.stringify(effects)], trx);
}

/** Effects that more than one writer may owe under the same key (a late crash stake's refund):
 *  the first insert wins, the others change nothing. One with a `legacyKey` is skipped too when a
 *  row under that key exists for the same player and ref (stored by an earlier version: a crash
 *  refund keyed by its stake alone, server/core/crash/settlement.ts legacyRefundKey). */
export async function insertEffectsOnce(sql: Sql, effects: ReadonlyArray<Effect & { legacyKey?: string }>, trx?: Queryable): Promise<number> {
  if (effects.length === 0) return 0;
  const rows = await sql.query(statements(sql.metadata).insertOnce, [JSON.stringify(effects)], trx);
  return rows.length;
}
