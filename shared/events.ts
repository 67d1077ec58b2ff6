// Event types and their payloads (docs/PROTOCOL.md "Events").
import type { CurrencyId } from './economy.ts';

export const EventType = {
  balanceChanged: 'balance.changed',
  xpChanged: 'xp.changed',
  rewardGranted: 'reward.granted',
  streakClaimed: 'streak.claimed',
  levelUp: 'level.up',
  purchaseCompleted: 'purchase.completed',
  taskCreated: 'task.created',
  taskUpdated: 'task.updated',
  crashRound: 'crash.round',
  announcement: 'announcement',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** `balance` is the player's balance in `currency` after the change (gold's is PlayerState.balance). */
export type BalanceChanged = { delta: number; balance: number; currency: CurrencyId; reason: string; ref: string | null };
export type XpChanged = { xp: number; level: number };
export type LevelUp = { level: number; previous: number };
/** `currencies`: what was granted per currency; `gold` repeats gold's (0 when none), for protocol-1 clients. */
export type RewardGranted = { source: string; gold: number; currencies: Record<CurrencyId, number>; items: Record<string, number> };
export type StreakClaimed = { day: number; reward: number };
/** `price`: what the whole purchase cost, in `currency`. */
export type PurchaseCompleted = { itemId: string; qty: number; price: number; currency: CurrencyId };
export type TaskEvent = { task: import('./boardCommands.ts').Task };
export type Announcement = { text: string };
/** `crash.round`, one per phase change of a table's round. */
export type CrashRound =
  | { phase: 'betting'; roundId: number; seedHash: string; /** When betting closes, in milliseconds since the epoch. */ endsAt: number }
  | { phase: 'running'; roundId: number }
  | {
      phase: 'crashed';
      roundId: number;
      crashPoint: number;
      hash: string;
      commitment: string;
      /** Settled by a later room of the table. */
      interrupted: boolean;
      /** The round never ran: every stake came back. */
      voided: boolean;
    };

/** The payload of each event type: the registry's half for events (shared/registry.ts). */
export type EventPayloads = {
  'balance.changed': BalanceChanged;
  'xp.changed': XpChanged;
  'reward.granted': RewardGranted;
  'streak.claimed': StreakClaimed;
  'level.up': LevelUp;
  'purchase.completed': PurchaseCompleted;
  'task.created': TaskEvent;
  /** The bounty is the task's own (`task.bountyGold`, `task.bountyXp`); task.complete's ack repeats it. */
  'task.updated': TaskEvent;
  'crash.round': CrashRound;
  announcement: Announcement;
};
