// Colyseus state of the `player` room: committed values only (docs/PROTOCOL.md "Rooms", INV-2).
import { schema, t, type SchemaType } from '@colyseus/schema';

export const GameStats = schema(
  {
    played: t.number().default(0),
    won: t.number().default(0),
    wagered: t.number().default(0),
    paidOut: t.number().default(0),
  },
  'GameStats',
);
export type GameStats = SchemaType<typeof GameStats>;

export const Streak = schema({ day: t.number().default(0), lastClaimDay: t.number().default(-1) }, 'Streak');
export type Streak = SchemaType<typeof Streak>;

/** Provably fair seeds: the hash of the secret server seed in use, the client seed, the next nonce. */
export const Fair = schema({ serverSeedHash: t.string().default(''), clientSeed: t.string().default(''), nonce: t.number().default(0) }, 'Fair');
export type Fair = SchemaType<typeof Fair>;

export const PlayerState = schema(
  {
    userId: t.string().default(''),
    /** The gold balance (wallet's `gold`), as protocol-1 clients read it. */
    balance: t.number().default(0),
    /** Balance per currency the player has ever held (a currency not listed is 0). */
    wallet: t.map('number'),
    xp: t.number().default(0),
    level: t.number().default(1),
    stats: t.map(GameStats),
    inventory: t.map('number'),
    /** Units bought of each shop offer, in all (what its per-player limit counts). */
    purchases: t.map('number'),
    streak: t.ref(Streak),
    fair: t.ref(Fair),
    seq: t.number().default(0),
  },
  'PlayerState',
);
export type PlayerState = SchemaType<typeof PlayerState>;

// `board` room.
export const TaskState = schema(
  {
    id: t.string().default(''),
    title: t.string().default(''),
    bountyGold: t.number().default(0),
    bountyXp: t.number().default(0),
    status: t.string().default('open'),
    assignee: t.string().default(''),
    createdAt: t.string().default(''),
    acceptedAt: t.string().default(''),
    completedAt: t.string().default(''),
  },
  'TaskState',
);
export type TaskState = SchemaType<typeof TaskState>;

export const BoardState = schema({ board: t.string().default(''), tasks: t.map(TaskState), seq: t.number().default(0) }, 'BoardState');
export type BoardState = SchemaType<typeof BoardState>;

// `admin` room.
export const Supply = schema({ minted: t.number().default(0), burned: t.number().default(0), circulating: t.number().default(0) }, 'Supply');
export type Supply = SchemaType<typeof Supply>;

/** `supply`: gold's figures (as before currencies); `supplies`: every currency's, by currency id. */
export const AdminState = schema({ ccu: t.number().default(0), rooms: t.number().default(0), supply: t.ref(Supply), supplies: t.map(Supply), seq: t.number().default(0) }, 'AdminState');
export type AdminState = SchemaType<typeof AdminState>;

// `crash` room.
// Multipliers are float64: the default number encoding may send a fraction as float32 (7.9 -> 7.900000095).
export const CrashBetState = schema({ amount: t.number().default(0), cashedOutAt: t.float64().default(0), payout: t.number().default(0) }, 'CrashBetState');
export type CrashBetState = SchemaType<typeof CrashBetState>;

export const CrashHistoryState = schema(
  { roundId: t.number().default(0), crashPoint: t.float64().default(0), hash: t.string().default(''), commitment: t.string().default('') },
  'CrashHistoryState',
);
export type CrashHistoryState = SchemaType<typeof CrashHistoryState>;

export const CrashState = schema(
  {
    table: t.string().default(''),
    phase: t.string().default('betting'),
    roundId: t.number().default(0),
    multiplier: t.float64().default(1),
    /** When the current phase ends (betting) or started (running), ms since the epoch. */
    phaseAt: t.number().default(0),
    bets: t.map(CrashBetState),
    history: t.array(CrashHistoryState),
    /** SHA-256 of the current round's hash: published before the round, revealed after it. */
    seedHash: t.string().default(''),
    seq: t.number().default(0),
  },
  'CrashState',
);
export type CrashState = SchemaType<typeof CrashState>;
