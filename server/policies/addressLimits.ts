// Commands per client address, across every account and socket of that address in this process.
// Per-account budgets multiply with accounts: twenty guests from one address, eight sockets each,
// took other players' ack p99 from 10 to 181 ms. The budget is sized for a NAT of real players,
// not for one (docs/OPERATIONS.md, ADDRESS_COMMANDS_PER_SECOND): a school or a carrier-grade NAT
// puts hundreds of players behind one address, each sending a few commands a second. Only commands
// that passed their socket's and their account's budgets are counted, so one account flooding
// cannot spend its neighbours' share; over the budget a command is answered RATE_LIMITED
// (retryable), and no socket is ever closed for it (it may be another player's).
import type { Clock } from '../domain/clock.ts';
import { QuietForgettingMap } from './quietForgettingMap.ts';

type Window = { start: number; count: number };

export class AddressLimits {
  readonly perSecond: number;
  readonly #clock: Clock;
  /** An address is forgotten once its last second's window is over. */
  readonly #addresses: QuietForgettingMap<Window>;

  constructor(perSecond: number, clock: Clock) {
    this.perSecond = perSecond;
    this.#clock = clock;
    this.#addresses = new QuietForgettingMap(clock, (window, now) => now - window.start >= 1000);
  }

  /** One command from `address`: whether it is within the address' budget for this second. O(1). */
  take(address: string): boolean {
    const now = this.#clock.now();
    const window = this.#addresses.get(address, () => ({ start: now, count: 0 }));
    if (now - window.start >= 1000) Object.assign(window, { start: now, count: 0 });
    if (window.count >= this.perSecond) return false;
    window.count++;
    return true;
  }

  /** Addresses remembered (bounded by those that sent a command in the last FORGET_IDLE_MS or so). */
  get size(): number {
    return this.#addresses.size;
  }
}
