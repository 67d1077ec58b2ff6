// Loading a player room's world from PostgreSQL: creates the account on first sight, takes the
// writer fence (bumps the epoch), and reads what the room keeps in memory. The join path: raw SQL,
// statement for statement as before, named by the entities (entityNames.ts).
import { Account } from '../../schema/entities/account.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { Player as PlayerRow } from '../../schema/entities/player.ts';
import { freshFairness } from '../domain/fairness.ts';
import type { Player } from '../domain/player.ts';
import { namesOf, perMapping } from './entityNames.ts';
import type { Sql } from './sql.ts';
import { headSeq } from './streamStore.ts';

export type StoredReply = { payloadHash: string; reply: unknown };

export type LoadedPlayer = { player: Player; epoch: number; replies: Array<[string, StoredReply]> };

/** Replies are kept at least this long (INV-4; docs/PROTOCOL.md: at least 24 hours). */
export const REPLY_RETENTION_MS = 24 * 3_600_000;

const PLAYER_FIELDS = ['displayName', 'xp', 'level', 'stats', 'inventory', 'streakDay', 'lastClaimDay', 'serverSeed', 'clientSeed', 'nonce'] as const;
// pg returns bigint columns as strings.
type PlayerFields = { displayName: string; xp: string; level: number; stats: Player['stats']; inventory: Player['inventory']; streakDay: number; lastClaimDay: number | null; serverSeed: string; clientSeed: string; nonce: string };

const statements = perMapping((metadata) => {
  const a = namesOf(metadata, Account);
  const p = namesOf(metadata, PlayerRow);
  const c = namesOf(metadata, CommandResult);
  return {
    createAccount: `INSERT INTO ${a.table} (${a.cols(['id', 'kind'])}) VALUES ($1, 'player') ON CONFLICT (${a.col('id')}) DO NOTHING`,
    createPlayer: `INSERT INTO ${p.table} (${p.cols(['userId', 'displayName'])}) VALUES ($1, $2) ON CONFLICT (${p.col('userId')}) DO NOTHING`,
    takeFence: `UPDATE ${a.table} SET ${a.col('epoch')} = ${a.col('epoch')} + 1 WHERE ${a.col('id')} = $1 RETURNING ${a.select(['balance', 'epoch'])}`,
    firstSeeds: `UPDATE ${p.table} SET ${p.col('serverSeed')} = $2, ${p.col('clientSeed')} = $3 WHERE ${p.col('userId')} = $1 AND ${p.col('serverSeed')} IS NULL`,
    player: `SELECT ${p.select(PLAYER_FIELDS)} FROM ${p.table} WHERE ${p.col('userId')} = $1`,
    recentReplies: `SELECT ${c.select(['commandId', 'payloadHash', 'reply'])} FROM ${c.table} WHERE ${c.col('actor')} = $1 AND ${c.col('createdAt')} > $2 ORDER BY ${c.col('createdAt')} DESC LIMIT $3`,
    reply: `SELECT ${c.select(['payloadHash', 'reply'])} FROM ${c.table} WHERE ${c.col('actor')} = $1 AND ${c.col('commandId')} = $2`,
  };
});

/** `recent`: how many of the newest replies the room keeps in memory. */
export async function loadPlayer(sql: Sql, userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer> {
  const s = statements(sql.metadata);
  return sql.transaction(async (trx) => {
    await sql.query(s.createAccount, [userId], trx);
    await sql.query(s.createPlayer, [userId, displayName], trx);
    // Bumping the epoch makes every earlier room for this account unable to commit (INV-1).
    const [account] = await sql.query<{ balance: string; epoch: string }>(s.takeFence, [userId], trx);
    // A player's first seeds are made here, under the fence, so the hash shown is the one used.
    await sql.query(s.firstSeeds, [userId, newSeed(), newSeed().slice(0, 16)], trx);
    const [row] = await sql.query<PlayerFields>(s.player, [userId], trx);
    const seq = await headSeq(sql, `player:${userId}`, trx);
    const replies = await sql.query<{ commandId: string; payloadHash: string; reply: unknown }>(
      s.recentReplies,
      [userId, new Date(now.getTime() - REPLY_RETENTION_MS).toISOString(), recent],
      trx,
    );
    return {
      epoch: Number(account.epoch),
      player: {
        userId,
        displayName: row.displayName,
        balance: Number(account.balance),
        xp: Number(row.xp),
        level: row.level,
        stats: row.stats,
        inventory: row.inventory,
        streakDay: row.streakDay,
        lastClaimDay: row.lastClaimDay,
        seq,
        fair: { ...freshFairness(row.serverSeed, row.clientSeed), nonce: Number(row.nonce) },
      },
      // Oldest first, so the bounded record in memory forgets the oldest first.
      replies: replies.reverse().map((r) => [r.commandId, { payloadHash: r.payloadHash, reply: r.reply }]),
    };
  });
}

/** The stored reply for a command id older than what the room keeps in memory, if any. */
export async function findReply(sql: Sql, actor: string, commandId: string): Promise<StoredReply | undefined> {
  const [row] = await sql.query<StoredReply>(statements(sql.metadata).reply, [actor, commandId]);
  return row && { payloadHash: row.payloadHash, reply: row.reply };
}
