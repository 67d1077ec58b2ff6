// Fairness between accounts (issue 16): per-socket limits alone let one guest open 100 sockets into
// its own room, each under the limit, and take another player's ack p50 from 6 ms to 1,974 ms. These
// budgets are per user, across all of that user's sockets in this process' player rooms:
// - sockets: at most `socketsPerUser` at a time (the next join is refused 429 RATE_LIMITED);
// - commands: `commandsPerSecond` in one second (more are nacked RATE_LIMITED, 4x closes the socket);
// - events.sync: replies worth `syncBytesPerSecond` bytes, refilled evenly; an empty budget nacks
//   RATE_LIMITED (a 60-byte request could pull 75 KB, ten sockets 5 MB/s).
// Admins watching player rooms are not counted. A user's player room lives in one process at a
// time, so for player rooms these per-process budgets are the user's budgets.
import type { Clock } from '../domain/clock.ts';
import { RateLimiter, type RateVerdict } from './rateLimiter.ts';

export type UserLimitsConfig = { commandsPerSecond: number; socketsPerUser: number; syncBytesPerSecond: number };

type UserBudget = { sockets: number; commands: RateLimiter; syncBytes: number; syncAt: number };

export class UserLimits {
  readonly config: UserLimitsConfig;
  readonly #clock: Clock;
  readonly #users = new Map<string, UserBudget>();

  constructor(config: UserLimitsConfig, clock: Clock) {
    this.config = config;
    this.#clock = clock;
  }

  /** Whether one more socket of `userId` would be admitted (matchmaking's early answer). */
  hasRoomFor(userId: string): boolean {
    return (this.#users.get(userId)?.sockets ?? 0) < this.config.socketsPerUser;
  }

  /** Counts a socket in; false (nothing counted) when the user is at the limit. */
  admit(userId: string): boolean {
    let budget = this.#users.get(userId);
    if (!budget) {
      budget = { sockets: 0, commands: new RateLimiter(this.config.commandsPerSecond, this.#clock), syncBytes: this.config.syncBytesPerSecond, syncAt: this.#clock.now() };
      this.#users.set(userId, budget);
    }
    if (budget.sockets >= this.config.socketsPerUser) return false;
    budget.sockets++;
    return true;
  }

  release(userId: string): void {
    const budget = this.#users.get(userId);
    if (!budget) return;
    if (--budget.sockets <= 0) this.#users.delete(userId);
  }

  /** One command of `userId` (any socket). */
  take(userId: string): RateVerdict {
    return this.#users.get(userId)?.commands.take() ?? 'ok';
  }

  /** Whether an events.sync may run now: the user's byte budget is not used up. */
  syncAllowed(userId: string): boolean {
    const budget = this.#users.get(userId);
    if (!budget) return true;
    const now = this.#clock.now();
    budget.syncBytes = Math.min(this.config.syncBytesPerSecond, budget.syncBytes + ((now - budget.syncAt) / 1000) * this.config.syncBytesPerSecond);
    budget.syncAt = now;
    return budget.syncBytes > 0;
  }

  /** The bytes an events.sync reply carried (the budget may go below zero: the next syncs wait). */
  chargeSync(userId: string, bytes: number): void {
    const budget = this.#users.get(userId);
    if (budget) budget.syncBytes -= bytes;
  }
}

/**
 * Which clients of a room hold one of their account's socket places. A place is held by a live
 * socket only: a dropped client gives it back at once (its seat may wait for a reconnection, but a
 * flaky network must not lock the account out), and a reconnection takes one again. Admins hold
 * none.
 */
export class AccountSockets {
  readonly #limits: UserLimits;
  readonly #held = new WeakMap<object, string>();

  constructor(limits: UserLimits) {
    this.#limits = limits;
  }

  take(client: object, identity: { userId: string; role: string }): boolean {
    if (identity.role === 'admin' || this.#held.has(client)) return true;
    if (!this.#limits.admit(identity.userId)) return false;
    this.#held.set(client, identity.userId);
    return true;
  }

  give(client: object): void {
    const userId = this.#held.get(client);
    if (userId === undefined) return;
    this.#held.delete(client);
    this.#limits.release(userId);
  }
}
