// A map of per-key budgets that forgets the keys that went quiet, for budgets kept per address or
// per account: without forgetting, every address or account that ever spoke would stay in memory.
// One walk at most every FORGET_IDLE_MS, on use: amortized O(1) per command, and the map holds
// about the keys that spoke in the last walk's interval.
import type { Clock } from '../domain/clock.ts';

/** How often keys that went quiet are forgotten. */
export const FORGET_IDLE_MS = 10_000;

export class QuietForgettingMap<V> {
  readonly #clock: Clock;
  readonly #idle: (value: V, now: number) => boolean;
  readonly #entries = new Map<string, V>();
  #sweptAt: number;

  /** `idle`: whether a value may be forgotten now (its key has said nothing that still counts). */
  constructor(clock: Clock, idle: (value: V, now: number) => boolean) {
    this.#clock = clock;
    this.#idle = idle;
    this.#sweptAt = clock.now();
  }

  /** The value of `key`, made on first use (or again after it was forgotten). */
  get(key: string, make: () => V): V {
    const now = this.#clock.now();
    if (now - this.#sweptAt >= FORGET_IDLE_MS) {
      this.#sweptAt = now;
      for (const [k, value] of this.#entries) if (this.#idle(value, now)) this.#entries.delete(k);
    }
    let value = this.#entries.get(key);
    if (value === undefined) this.#entries.set(key, (value = make()));
    return value;
  }

  /** Keys remembered. */
  get size(): number {
    return this.#entries.size;
  }
}
