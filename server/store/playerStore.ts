// Loading a player room's world from PostgreSQL: creates the account on first sight, takes the
// writer fence (bumps the epoch), and reads what the room keeps in memory. The join path: raw SQL
// named by the entities (entityNames.ts), in two statements.
import { playerStream } from '../../shared/protocol.ts';
import { Account } from '../../schema/entities/account.ts';
import { Balance } from '../../schema/entities/balance.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { Player as PlayerRow } from '../../schema/entities/player.ts';
import { REPLY_RETENTION_MS, type CommandKey, type LoadedPlayer, type StoredReply } from '../core/ports.ts';
import { freshFairness } from '../domain/fairness.ts';
import { effectOf, owedEffectsSql, type EffectRowValues } from './effectsStore.ts';
import type { Player } from '../domain/player.ts';
import { namesOf, perMapping } from './entityNames.ts';
import { preparedEach, type Sql } from './sql.ts';

// Declared with the ports they implement (server/core/ports.ts, Replies and Players).
export type { LoadedPlayer, StoredReply } from '../core/ports.ts';

export { REPLY_RETENTION_MS } from '../core/ports.ts';

const PLAYER_FIELDS = ['displayName', 'xp', 'level', 'stats', 'inventory', 'purchases', 'streakDay', 'lastClaimDay', 'serverSeed', 'clientSeed', 'nonce'] as const;
// pg returns bigint columns as strings.
type PlayerFields = { displayName: string; xp: string; level: number; stats: Player['stats']; inventory: Player['inventory']; purchases: Player['purchases']; streakDay: number; lastClaimDay: number | null; serverSeed: string; clientSeed: string; nonce: string };
type Loaded = PlayerFields & { wallet: Player['wallet']; head: string | null; replies: Array<[string, string, unknown]>; owed: EffectRowValues[] };

/**
 * `takeFence` creates the account on first sight and bumps its epoch (INV-1); `load` creates the
 * player row on first sight (with its first seeds, so the hash shown is the one used) and reads it
 * with its wallet (a balance per currency; the commit that held the fence before has committed, or
 * the fence would not have been taken), its stream's head, its newest replies and the effects it is owed. Two round trips where a
 * transaction of seven statements and a read of the effects took eleven: the load runs on every
 * room creation, the path of every join.
 */
const statements = perMapping((metadata) => {
  const a = namesOf(metadata, Account);
  const b = namesOf(metadata, Balance);
  const p = namesOf(metadata, PlayerRow);
  const o = namesOf(metadata, OutboxEvent);
  const c = namesOf(metadata, CommandResult);
  const effects = owedEffectsSql(metadata, '$1');
  return preparedEach({
    takeFence: `INSERT INTO ${a.table} (${a.cols(['id', 'kind', 'epoch'])}) VALUES ($1, 'player', 1)
      ON CONFLICT (${a.col('id')}) DO UPDATE SET ${a.col('epoch')} = ${a.table}.${a.col('epoch')} + 1 WHERE ${a.table}.${a.col('kind')} = 'player'
      RETURNING ${a.select(['epoch'])}`,
    load: `WITH seeded AS (
        INSERT INTO ${p.table} (${p.cols(['userId', 'displayName', 'serverSeed', 'clientSeed'])}) VALUES ($1, $2, $3, $4)
        ON CONFLICT (${p.col('userId')}) DO UPDATE SET ${p.setFromExcluded(['serverSeed', 'clientSeed'])} WHERE ${p.table}.${p.col('serverSeed')} IS NULL
        RETURNING ${p.select(PLAYER_FIELDS)}
      ), player AS (
        SELECT * FROM seeded
        UNION ALL
        SELECT ${p.select(PLAYER_FIELDS)} FROM ${p.table} WHERE ${p.col('userId')} = $1 AND NOT EXISTS (SELECT 1 FROM seeded)
      ), ${effects.marked}
      SELECT player.*,
        (SELECT coalesce(json_object_agg(${b.col('currency')}, ${b.col('balance')}), '{}'::json) FROM ${b.table} WHERE ${b.col('account')} = $1) AS wallet,
        (SELECT max(${o.col('seq')}) FROM ${o.table} WHERE ${o.col('stream')} = $5) AS head,
        (SELECT coalesce(json_agg(json_build_array(r.id, r.hash, r.reply) ORDER BY r.at), '[]'::json)
           FROM (SELECT ${c.col('commandId')} AS id, ${c.col('payloadHash')} AS hash, ${c.col('reply')} AS reply, ${c.col('createdAt')} AS at
                   FROM ${c.table} WHERE ${c.col('actor')} = $1 AND ${c.col('createdAt')} > $6
                  ORDER BY ${c.col('createdAt')} DESC LIMIT $7) AS r) AS replies,
        (SELECT coalesce(json_agg(e), '[]'::json) FROM (${effects.owed}) AS e) AS owed
      FROM player`,
    reply: `SELECT ${c.select(['payloadHash', 'reply'])} FROM ${c.table} WHERE ${c.col('actor')} = $1 AND ${c.col('commandId')} = $2`,
    // Several at once (a shared room's group of commands): each row says which one it answers.
    replies: `SELECT k.i, ${c.select(['payloadHash', 'reply'], 'r')} FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(actor, command_id, i)
     JOIN ${c.table} r ON r.${c.col('actor')} = k.actor AND r.${c.col('commandId')} = k.command_id`,
  });
});

/**
 * `recent`: how many of the newest replies the room keeps in memory. The fence is taken (and
 * committed) before anything is read: a room that loaded earlier can commit nothing after it, and
 * what it committed before is in what the second statement reads.
 */
export async function loadPlayer(sql: Sql, userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer> {
  const s = statements(sql.metadata);
  const [account] = await sql.query<{ epoch: string }>(s.takeFence, [userId]);
  if (!account) throw new Error(`account ${userId} is not a player's`);
  const [row] = await sql.query<Loaded>(s.load, [userId, displayName, newSeed(), newSeed().slice(0, 16), playerStream(userId), new Date(now.getTime() - REPLY_RETENTION_MS).toISOString(), recent]);
  return {
    epoch: Number(account.epoch),
    player: {
      userId,
      displayName: row.displayName,
      wallet: row.wallet,
      xp: Number(row.xp),
      level: row.level,
      stats: row.stats,
      inventory: row.inventory,
      purchases: row.purchases,
      streakDay: row.streakDay,
      lastClaimDay: row.lastClaimDay,
      seq: Number(row.head ?? 0),
      fair: { ...freshFairness(row.serverSeed, row.clientSeed), nonce: Number(row.nonce) },
    },
    // Oldest first, so the bounded record in memory forgets the oldest first.
    replies: row.replies.map(([id, payloadHash, reply]) => [id, { payloadHash, reply }]),
    owed: row.owed.map(effectOf),
  };
}

/** The stored reply for a command id older than what the room keeps in memory, if any. */
export async function findReply(sql: Sql, actor: string, commandId: string): Promise<StoredReply | undefined> {
  const [row] = await sql.query<StoredReply>(statements(sql.metadata).reply, [actor, commandId]);
  return row && { payloadHash: row.payloadHash, reply: row.reply };
}

/** The stored replies of several commands in one read, in the order asked (undefined: none stored). */
export async function findReplies(sql: Sql, commands: readonly CommandKey[]): Promise<Array<StoredReply | undefined>> {
  if (commands.length === 1) return [await findReply(sql, commands[0].actor, commands[0].commandId)];
  const rows = await sql.query<StoredReply & { i: string }>(statements(sql.metadata).replies, [commands.map((c) => c.actor), commands.map((c) => c.commandId)]);
  const found: Array<StoredReply | undefined> = new Array(commands.length).fill(undefined);
  for (const row of rows) found[Number(row.i) - 1] = { payloadHash: row.payloadHash, reply: row.reply };
  return found;
}
