// Fairness between accounts: per-socket limits alone let one guest open 100 sockets into
// its own room, each under the limit, and take another player's ack p50 from 6 ms to 1,974 ms. These
// budgets are per user, across all of that user's sockets:
// - sockets: at most `socketsPerUser` at a time in player rooms (the next join is refused 429
//   RATE_LIMITED);
// - commands: `commandsPerSecond` in one second (more are nacked RATE_LIMITED, 4x closes the socket);
// - events.sync: replies worth `syncBytesPerSecond` bytes, refilled evenly; an empty budget nacks
//   RATE_LIMITED (a 60-byte request could pull 75 KB, ten sockets 5 MB/s).
// In player rooms (UserLimits) the budgets are the process' (a user's player room lives in one
// process at a time, so they are the user's budgets); admins watching player rooms are not counted.
// In a shared room (a crash table, a board, the admin room: RoomAccounts) each room instance keeps
// its own: one account flooding a crash table froze it for everyone (a 2 s betting phase lasted
// 28 s) and pulled 13-24 MB/s of events.sync from it.
import type { Clock } from '../domain/clock.ts';
import { RateLimiter, type RateVerdict } from './rateLimiter.ts';
import { QuietForgettingMap } from './quietForgettingMap.ts';

export type UserLimitsConfig = { commandsPerSecond: number; socketsPerUser: number; syncBytesPerSecond: number };
export type AccountBudgetConfig = Pick<UserLimitsConfig, 'commandsPerSecond' | 'syncBytesPerSecond'>;

/** One account's command and events.sync byte budgets; every check is O(1). */
export class AccountBudget {
  readonly #config: AccountBudgetConfig;
  readonly #clock: Clock;
  readonly #commands: RateLimiter;
  #syncBytes: number;
  #syncAt: number;

  constructor(config: AccountBudgetConfig, clock: Clock) {
    this.#config = config;
    this.#clock = clock;
    this.#commands = new RateLimiter(config.commandsPerSecond, clock);
    this.#syncBytes = config.syncBytesPerSecond;
    this.#syncAt = clock.now();
  }

  /** One command (any socket of the account). */
  take(): RateVerdict {
    return this.#commands.take();
  }

  /** Whether an events.sync may run now: the byte budget is not used up. */
  syncAllowed(): boolean {
    this.#refill();
    return this.#syncBytes > 0;
  }

  /** The bytes an events.sync reply carried (the budget may go below zero: the next syncs wait). */
  chargeSync(bytes: number): void {
    this.#syncBytes -= bytes;
  }

  /** Nothing to remember: no command in the last second and the sync budget full again. */
  idle(): boolean {
    this.#refill();
    return this.#commands.idle() && this.#syncBytes >= this.#config.syncBytesPerSecond;
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#syncBytes = Math.min(this.#config.syncBytesPerSecond, this.#syncBytes + ((now - this.#syncAt) / 1000) * this.#config.syncBytesPerSecond);
    this.#syncAt = now;
  }
}

type UserBudget = { sockets: number; budget: AccountBudget };

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
    let user = this.#users.get(userId);
    if (!user) {
      user = { sockets: 0, budget: new AccountBudget(this.config, this.#clock) };
      this.#users.set(userId, user);
    }
    if (user.sockets >= this.config.socketsPerUser) return false;
    user.sockets++;
    return true;
  }

  release(userId: string): void {
    const user = this.#users.get(userId);
    if (!user) return;
    if (--user.sockets <= 0) this.#users.delete(userId);
  }

  /** One command of `userId` (any socket). */
  take(userId: string): RateVerdict {
    return this.#users.get(userId)?.budget.take() ?? 'ok';
  }

  /** Whether an events.sync may run now: the user's byte budget is not used up. */
  syncAllowed(userId: string): boolean {
    return this.#users.get(userId)?.budget.syncAllowed() ?? true;
  }

  /** The bytes an events.sync reply carried (the budget may go below zero: the next syncs wait). */
  chargeSync(userId: string, bytes: number): void {
    this.#users.get(userId)?.budget.chargeSync(bytes);
  }
}

/**
 * The per-account budgets of one shared room instance (an account at one crash table, one board,
 * the admin room). Keyed by user id across all of that user's sockets in the room; an account's
 * budget is made at its first command and forgotten once idle, so the map holds at most the
 * accounts that spoke in the last few seconds (each of them holds a socket here).
 */
export class RoomAccounts {
  readonly config: AccountBudgetConfig;
  readonly #clock: Clock;
  readonly #accounts: QuietForgettingMap<AccountBudget>;

  constructor(config: AccountBudgetConfig, clock: Clock) {
    this.config = config;
    this.#clock = clock;
    this.#accounts = new QuietForgettingMap(clock, (budget) => budget.idle());
  }

  /** The account's budget (made on first use). */
  of(userId: string): AccountBudget {
    return this.#accounts.get(userId, () => new AccountBudget(this.config, this.#clock));
  }

  /** Accounts remembered (for tests and the sweep's bound). */
  get size(): number {
    return this.#accounts.size;
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
