// Commands per client address, across every account and socket of that address in this process.
// Per-account budgets multiply with accounts: twenty guests from one address, eight sockets each,
// took other players' ack p99 from 10 to 181 ms. The budget is sized for a NAT of real players,
// not for one (docs/OPERATIONS.md, ADDRESS_COMMANDS_PER_SECOND): a school or a carrier-grade NAT
// puts hundreds of players behind one address, each sending a few commands a second. Only commands
// that passed their socket's and their account's budgets are counted, so one account flooding
// cannot spend its neighbours' share; over the budget a command is answered RATE_LIMITED
// (retryable), and no socket is ever closed for it (it may be another player's).
import type { Clock } from '../domain/clock.ts';

/** How often addresses that went quiet are forgotten. */
const FORGET_IDLE_MS = 10_000;

type Window = { start: number; count: number };

export class AddressLimits {
  readonly perSecond: number;
  readonly #clock: Clock;
  readonly #addresses = new Map<string, Window>();
  #sweptAt: number;

  constructor(perSecond: number, clock: Clock) {
    this.perSecond = perSecond;
    this.#clock = clock;
    this.#sweptAt = clock.now();
  }

  /** One command from `address`: whether it is within the address' budget for this second. O(1). */
  take(address: string): boolean {
    const now = this.#clock.now();
    this.#forgetIdle(now);
    let window = this.#addresses.get(address);
    if (!window) this.#addresses.set(address, (window = { start: now, count: 0 }));
    else if (now - window.start >= 1000) Object.assign(window, { start: now, count: 0 });
    if (window.count >= this.perSecond) return false;
    window.count++;
    return true;
  }

  /** Addresses remembered (bounded by those that sent a command in the last FORGET_IDLE_MS or so). */
  get size(): number {
    return this.#addresses.size;
  }

  /** Amortized O(1): one walk every FORGET_IDLE_MS over the addresses that spoke since the last. */
  #forgetIdle(now: number): void {
    if (now - this.#sweptAt < FORGET_IDLE_MS) return;
    this.#sweptAt = now;
    for (const [address, window] of this.#addresses) if (now - window.start >= 1000) this.#addresses.delete(address);
  }
}
