// Per-client message budget: over `perSecond` in one second a message is answered RATE_LIMITED;
// at `closeAfter` times the budget the client is disconnected.
import type { Clock } from '../domain/clock.ts';

export type RateVerdict = 'ok' | 'limited' | 'close';

export class RateLimiter {
  readonly #perSecond: number;
  readonly #closeAfter: number;
  readonly #clock: Clock;
  #windowStart = 0;
  #count = 0;

  constructor(perSecond: number, clock: Clock, closeAfter = 4) {
    this.#perSecond = perSecond;
    this.#closeAfter = closeAfter;
    this.#clock = clock;
  }

  take(): RateVerdict {
    const now = this.#clock.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#count = 0;
    }
    this.#count++;
    if (this.#count > this.#perSecond * this.#closeAfter) return 'close';
    return this.#count > this.#perSecond ? 'limited' : 'ok';
  }

  /** No message in the current one-second window: a fresh limiter would answer the same. */
  idle(): boolean {
    return this.#clock.now() - this.#windowStart >= 1000;
  }
}
