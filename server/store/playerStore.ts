// Loading a player room's world from PostgreSQL: creates the account on first sight, takes the
// writer fence (bumps the epoch), and reads what the room keeps in memory.
import type { MetadataStorage } from '@mikro-orm/postgresql';
import { Account } from '../../schema/entities/account.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { Player as PlayerEntity } from '../../schema/entities/player.ts';
import { playerStream } from '../../shared/protocol.ts';
import { freshFairness } from '../domain/fairness.ts';
import type { Player } from '../domain/player.ts';
import { namesOf } from './entityNames.ts';
import type { Orm } from './orm.ts';
import type { Sql } from './sql.ts';

export type StoredReply = { payloadHash: string; reply: unknown };

export type LoadedPlayer = { player: Player; epoch: number; replies: Array<[string, StoredReply]> };

/** Replies are kept at least this long (INV-4; docs/PROTOCOL.md: at least 24 hours). */
export const REPLY_RETENTION_MS = 24 * 3_600_000;

/**
 * The two statements of a load, named by the entities (entityNames.ts), made once per schema.
 * `fence` creates the account on first sight and bumps its epoch (INV-1); `load` creates the
 * player row on first sight (with its first seeds), and reads it with the stream's head and the
 * newest replies. Two round trips where there were nine (a transaction of seven statements):
 * the load runs on every room creation, the path of every join.
 */
const statements = new WeakMap<MetadataStorage, { fence: string; load: string }>();

function loadStatements(metadata: MetadataStorage): { fence: string; load: string } {
  let made = statements.get(metadata);
  if (made) return made;
  const a = namesOf(metadata, Account);
  const p = namesOf(metadata, PlayerEntity);
  const o = namesOf(metadata, OutboxEvent);
  const c = namesOf(metadata, CommandResult);
  const columns = (prefix: string) =>
    (['displayName', 'xp', 'level', 'stats', 'inventory', 'streakDay', 'lastClaimDay', 'serverSeed', 'clientSeed', 'nonce'] as const)
      .map((property) => `${prefix}${p.col(property)}`)
      .join(', ');
  made = {
    fence: `INSERT INTO ${a.table} (${a.col('id')}, ${a.col('kind')}, ${a.col('epoch')}) VALUES ($1, 'player', 1)
      ON CONFLICT (${a.col('id')}) DO UPDATE SET ${a.col('epoch')} = ${a.table}.${a.col('epoch')} + 1 WHERE ${a.table}.${a.col('kind')} = 'player'
      RETURNING ${a.col('balance')} AS balance, ${a.col('epoch')} AS epoch`,
    load: `WITH seeded AS (
        INSERT INTO ${p.table} (${p.col('userId')}, ${p.col('displayName')}, ${p.col('serverSeed')}, ${p.col('clientSeed')}) VALUES ($1, $2, $3, $4)
        ON CONFLICT (${p.col('userId')}) DO UPDATE SET ${p.col('serverSeed')} = excluded.${p.col('serverSeed')}, ${p.col('clientSeed')} = excluded.${p.col('clientSeed')}
         WHERE ${p.table}.${p.col('serverSeed')} IS NULL
        RETURNING ${columns('')}
      ), player AS (
        SELECT * FROM seeded
        UNION ALL
        SELECT ${columns('')} FROM ${p.table} WHERE ${p.col('userId')} = $1 AND NOT EXISTS (SELECT 1 FROM seeded)
      )
      SELECT player.*,
        (SELECT max(${o.col('seq')}) FROM ${o.table} WHERE ${o.col('stream')} = $5) AS head,
        (SELECT coalesce(json_agg(json_build_array(r.id, r.hash, r.reply) ORDER BY r.at), '[]'::json)
           FROM (SELECT ${c.col('commandId')} AS id, ${c.col('payloadHash')} AS hash, ${c.col('reply')} AS reply, ${c.col('createdAt')} AS at
                   FROM ${c.table} WHERE ${c.col('actor')} = $1 AND ${c.col('createdAt')} > $6
                  ORDER BY ${c.col('createdAt')} DESC LIMIT $7) AS r) AS replies
      FROM player`,
  };
  statements.set(metadata, made);
  return made;
}

type PlayerRow = {
  display_name: string;
  xp: string;
  level: number;
  stats: Player['stats'];
  inventory: Player['inventory'];
  streak_day: number;
  last_claim_day: number | null;
  server_seed: string;
  client_seed: string;
  nonce: string;
  head: string | null;
  replies: Array<[string, string, unknown]>;
};

/**
 * `recent`: how many of the newest replies the room keeps in memory. The fence is taken (and
 * committed) before anything is read: a room that loaded earlier can commit nothing after it, and
 * what it committed before is in what the second statement reads.
 */
export async function loadPlayer(sql: Sql, orm: Orm, userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer> {
  const { fence, load } = loadStatements(orm.metadata);
  const [account] = await sql.query<{ balance: string; epoch: string }>(fence, [userId]);
  if (!account) throw new Error(`account ${userId} is not a player's`);
  const [row] = await sql.query<PlayerRow>(load, [userId, displayName, newSeed(), newSeed().slice(0, 16), playerStream(userId), new Date(now.getTime() - REPLY_RETENTION_MS).toISOString(), recent]);
  return {
    epoch: Number(account.epoch),
    player: {
      userId,
      displayName: row.display_name,
      balance: Number(account.balance),
      xp: Number(row.xp),
      level: row.level,
      stats: row.stats,
      inventory: row.inventory,
      streakDay: row.streak_day,
      lastClaimDay: row.last_claim_day,
      seq: Number(row.head ?? 0),
      fair: { ...freshFairness(row.server_seed, row.client_seed), nonce: Number(row.nonce) },
    },
    // Oldest first, so the bounded record in memory forgets the oldest first.
    replies: row.replies.map(([id, hash, reply]) => [id, { payloadHash: hash, reply }]),
  };
}

/** The stored reply for a command id older than what the room keeps in memory, if any. */
export async function findReply(sql: Sql, actor: string, commandId: string): Promise<StoredReply | undefined> {
  const [row] = await sql.query<{ payload_hash: string; reply: unknown }>(
    `SELECT payload_hash, reply FROM command_results WHERE actor = $1 AND command_id = $2`,
    [actor, commandId],
  );
  return row && { payloadHash: row.payload_hash, reply: row.reply };
}
