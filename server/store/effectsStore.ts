// The effects owed to players (schema/entities/effect.ts): what one player still has to apply,
// and which players the sweeper should wake.
import type { Effect } from '../domain/effects.ts';
import { raw } from '@mikro-orm/postgresql';
import { Effect as EffectRow } from '../../schema/entities/effect.ts';
import type { Orm } from './orm.ts';
import type { Queryable, Sql } from './sql.ts';

/** The command id under which a player's room records that it applied an effect. */
export function effectCommandId(key: string): string {
  return `fx:${key}`;
}

/**
 * Effects not applied yet, oldest first. An effect whose application is already recorded (its
 * `fx:` reply exists, e.g. applied and then delivered again) is marked applied here instead.
 */
export async function pendingEffects(sql: Sql, userId: string): Promise<Effect[]> {
  await sql.query(
    `UPDATE effects AS f SET applied_at = now()
      WHERE f.user_id = $1 AND f.applied_at IS NULL
        AND EXISTS (SELECT 1 FROM command_results c WHERE c.actor = f.user_id AND c.command_id = 'fx:' || f.key)`,
    [userId],
  );
  const rows = await sql.query<{ key: string; user_id: string; from_account: string; gold: string; xp: string; reason: string; ref: string | null }>(
    `SELECT key, user_id, from_account, gold, xp, reason, ref FROM effects WHERE user_id = $1 AND applied_at IS NULL ORDER BY created_at, key LIMIT 100`,
    [userId],
  );
  return rows.map((r) => ({ key: r.key, userId: r.user_id, fromAccount: r.from_account, gold: Number(r.gold), xp: Number(r.xp), reason: r.reason, ref: r.ref }));
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
  await sql.query(
    `INSERT INTO effects (key, user_id, from_account, gold, xp, reason, ref)
     SELECT key, user_id, from_account, gold, xp, reason, ref
       FROM jsonb_to_recordset($1::jsonb) AS e(key text, user_id text, from_account text, gold bigint, xp bigint, reason text, ref text)`,
    [JSON.stringify(effects.map((e) => ({ key: e.key, user_id: e.userId, from_account: e.fromAccount, gold: e.gold, xp: e.xp, reason: e.reason, ref: e.ref })))],
    trx,
  );
}

/** Effects that more than one writer may owe under the same key (a late crash stake's refund):
 *  the first insert wins, the others change nothing. */
export async function insertEffectsOnce(sql: Sql, effects: readonly Effect[], trx?: Queryable): Promise<number> {
  if (effects.length === 0) return 0;
  const rows = await sql.query(
    `INSERT INTO effects (key, user_id, from_account, gold, xp, reason, ref)
     SELECT key, user_id, from_account, gold, xp, reason, ref
       FROM jsonb_to_recordset($1::jsonb) AS e(key text, user_id text, from_account text, gold bigint, xp bigint, reason text, ref text)
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [JSON.stringify(effects.map((e) => ({ key: e.key, user_id: e.userId, from_account: e.fromAccount, gold: e.gold, xp: e.xp, reason: e.reason, ref: e.ref })))],
    trx,
  );
  return rows.length;
}
