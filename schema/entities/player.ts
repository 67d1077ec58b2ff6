import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** Progress of a signed-in user; the wallet itself lives in `accounts` (same id). */
export const Player = defineEntity({
  name: 'Player',
  tableName: 'players',
  properties: {
    userId: p.text().primary(),
    displayName: p.text(),
    xp: p.bigint('number').default(0),
    level: p.integer().default(1),
    stats: p.json<Record<string, unknown>>().defaultRaw(`'{}'`),
    // itemId -> quantity owned, written by the player's own room in the same commit as the gold.
    inventory: p.json<Record<string, number>>().defaultRaw(`'{}'`),
    // Shop offer id -> units this player has bought in all, for the offers' per-player limits;
    // committed with the purchase, so a limit holds across retries, rooms and publishes.
    purchases: p.json<Record<string, number>>().defaultRaw(`'{}'`),
    streakDay: p.integer().default(0),
    // UTC day number (floor(epochMs / 86400000)) of the last daily claim; null before the first one.
    lastClaimDay: p.integer().nullable(),
    // Provably fair outcomes (shared/fair.ts): the secret seed in use (its hash is public), the
    // player's client seed, and the nonce of the next outcome. Set when the player room first loads.
    serverSeed: p.text().nullable(),
    clientSeed: p.text().nullable(),
    nonce: p.bigint('number').default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});

export type IPlayer = InferEntity<typeof Player>;
