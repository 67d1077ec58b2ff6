// Loading a player room's world from PostgreSQL: creates the account on first sight, takes the
// writer fence (bumps the epoch), and reads what the room keeps in memory.
import { freshFairness } from '../domain/fairness.ts';
import type { Player } from '../domain/player.ts';
import type { Sql } from './sql.ts';

export type StoredReply = { payloadHash: string; reply: unknown };

export type LoadedPlayer = { player: Player; epoch: number; replies: Array<[string, StoredReply]> };

/** Replies are kept at least this long (INV-4; docs/PROTOCOL.md: at least 24 hours). */
export const REPLY_RETENTION_MS = 24 * 3_600_000;

/** `recent`: how many of the newest replies the room keeps in memory. */
export async function loadPlayer(sql: Sql, userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer> {
  return sql.transaction(async (trx) => {
    await sql.query(`INSERT INTO accounts (id, kind) VALUES ($1, 'player') ON CONFLICT (id) DO NOTHING`, [userId], trx);
    await sql.query(`INSERT INTO players (user_id, display_name) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, [userId, displayName], trx);
    // Bumping the epoch makes every earlier room for this account unable to commit (INV-1).
    const [account] = await sql.query<{ balance: string; epoch: string }>(
      `UPDATE accounts SET epoch = epoch + 1 WHERE id = $1 RETURNING balance, epoch`,
      [userId],
      trx,
    );
    // A player's first seeds are made here, under the fence, so the hash shown is the one used.
    await sql.query(
      `UPDATE players SET server_seed = $2, client_seed = $3 WHERE user_id = $1 AND server_seed IS NULL`,
      [userId, newSeed(), newSeed().slice(0, 16)],
      trx,
    );
    const [row] = await sql.query<{ display_name: string; xp: string; level: number; stats: Player['stats']; inventory: Player['inventory']; streak_day: number; last_claim_day: number | null; server_seed: string; client_seed: string; nonce: string }>(
      `SELECT display_name, xp, level, stats, inventory, streak_day, last_claim_day, server_seed, client_seed, nonce FROM players WHERE user_id = $1`,
      [userId],
      trx,
    );
    const [head] = await sql.query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM outbox WHERE stream = $1`, [`player:${userId}`], trx);
    const replies = await sql.query<{ command_id: string; payload_hash: string; reply: unknown }>(
      `SELECT command_id, payload_hash, reply FROM command_results WHERE actor = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT $3`,
      [userId, new Date(now.getTime() - REPLY_RETENTION_MS).toISOString(), recent],
      trx,
    );
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
        seq: Number(head.seq ?? 0),
        fair: { ...freshFairness(row.server_seed, row.client_seed), nonce: Number(row.nonce) },
      },
      // Oldest first, so the bounded record in memory forgets the oldest first.
      replies: replies.reverse().map((r) => [r.command_id, { payloadHash: r.payload_hash, reply: r.reply }]),
    };
  });
}

/** The stored reply for a command id older than what the room keeps in memory, if any. */
export async function findReply(sql: Sql, actor: string, commandId: string): Promise<StoredReply | undefined> {
  const [row] = await sql.query<{ payload_hash: string; reply: unknown }>(
    `SELECT payload_hash, reply FROM command_results WHERE actor = $1 AND command_id = $2`,
    [actor, commandId],
  );
  return row && { payloadHash: row.payload_hash, reply: row.reply };
}
