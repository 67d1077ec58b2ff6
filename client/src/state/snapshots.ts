// Plain shapes of the rooms' Colyseus state (shared/state.ts) after toJSON(): what screens read.
export type GameStatsSnapshot = { played: number; won: number; wagered: number; paidOut: number };

export type PlayerSnapshot = {
  userId: string;
  /** The gold balance (protocol 1). */
  balance: number;
  /** Currency -> balance; a currency missing here is 0. */
  wallet: Record<string, number>;
  xp: number;
  level: number;
  stats: Record<string, GameStatsSnapshot>;
  inventory: Record<string, number>;
  /** Units bought of each shop offer, in all. */
  purchases: Record<string, number>;
  streak: { day: number; lastClaimDay: number };
  fair: { serverSeedHash: string; clientSeed: string; nonce: number };
  seq: number;
};

export type TaskSnapshot = {
  id: string;
  title: string;
  bountyGold: number;
  bountyXp: number;
  status: string;
  assignee: string;
  createdAt: string;
  acceptedAt: string;
  completedAt: string;
};
export type BoardSnapshot = { board: string; tasks: Record<string, TaskSnapshot>; seq: number };

export type CrashBetSnapshot = { amount: number; cashedOutAt: number; payout: number };
export type CrashHistorySnapshot = { roundId: number; crashPoint: number; hash: string; commitment: string };
export type CrashSnapshot = {
  table: string;
  phase: 'betting' | 'running' | 'crashed';
  roundId: number;
  multiplier: number;
  phaseAt: number;
  bets: Record<string, CrashBetSnapshot>;
  history: CrashHistorySnapshot[];
  seedHash: string;
  seq: number;
};

export type SupplySnapshot = { minted: number; burned: number; circulating: number };
/** `supply` is gold's; `supplies` every currency's, by id. */
export type AdminSnapshot = { ccu: number; rooms: number; supply: SupplySnapshot; supplies: Record<string, SupplySnapshot>; seq: number };
