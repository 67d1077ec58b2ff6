// Limits on signing in (issue 16): guessing the admin password and minting guest accounts were
// unlimited (12,708 wrong passwords in 5 s; 10,000 guests in 3 s from one address). Counted in this
// process' memory, per client address (clientAddress.ts) and, for the admin, globally too.
//
// Admin: each address has ADMIN_FREE_FAILURES wrong passwords free; every further one locks that
// address out for a delay that doubles (1 s, 2 s, 4 s, ... up to ADMIN_MAX_LOCKOUT_SECONDS), and a
// quiet hour forgets it. Over `adminFailuresPerMinute` wrong passwords from all addresses together
// (a spread-out guess), every admin sign-in is refused until the minute is over. While locked out,
// the right password is refused too: otherwise the lockout would only slow down who guesses wrong.
//
// Guests: a bucket of `guestPerHour` sign-ups per address, refilled evenly over the hour.
import type { Clock } from '../domain/clock.ts';

export const ADMIN_FREE_FAILURES = 5;
export const ADMIN_MAX_LOCKOUT_SECONDS = 15 * 60;
/** An address with no wrong password for this long starts again with its free failures. */
export const ADMIN_FORGET_MS = 60 * 60 * 1000;
/** Entries kept per map before expired ones are dropped (memory stays bounded under a spray). */
const PRUNE_AT = 10_000;

/** `undefined`: go on; a number: refuse, and say to retry after that many whole seconds. */
export type Verdict = number | undefined;

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

type AddressFailures = { failures: number; lockedUntil: number; lastFailure: number };

export class AdminSignInGuard {
  readonly #clock: Clock;
  readonly #perMinute: number;
  readonly #addresses = new Map<string, AddressFailures>();
  #windowStart = 0;
  #windowFailures = 0;

  constructor(failuresPerMinute: number, clock: Clock) {
    this.#perMinute = failuresPerMinute;
    this.#clock = clock;
  }

  /** Before the password is looked at. */
  check(address: string): Verdict {
    const now = this.#clock.now();
    if (now - this.#windowStart < 60_000 && this.#windowFailures >= this.#perMinute) return retryAfter(this.#windowStart + 60_000 - now);
    const entry = this.#addresses.get(address);
    if (entry && entry.lockedUntil > now) return retryAfter(entry.lockedUntil - now);
    return undefined;
  }

  /** A wrong password: counts against the address and the minute; returns the lockout it started. */
  failed(address: string): Verdict {
    const now = this.#clock.now();
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#windowFailures = 0;
    }
    this.#windowFailures++;
    let entry = this.#addresses.get(address);
    if (!entry || now - entry.lastFailure > ADMIN_FORGET_MS) entry = { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures > ADMIN_FREE_FAILURES) {
      const seconds = Math.min(ADMIN_MAX_LOCKOUT_SECONDS, 2 ** Math.min(20, entry.failures - ADMIN_FREE_FAILURES - 1));
      entry.lockedUntil = now + seconds * 1000;
    }
    this.#addresses.set(address, entry);
    if (this.#addresses.size > PRUNE_AT) prune(this.#addresses, (e) => now - e.lastFailure > ADMIN_FORGET_MS && e.lockedUntil <= now);
    return entry.lockedUntil > now ? retryAfter(entry.lockedUntil - now) : undefined;
  }

  /** The right password, not locked out: the address starts again. */
  succeeded(address: string): void {
    this.#addresses.delete(address);
  }
}

type Bucket = { tokens: number; at: number };

export class GuestSignUpLimit {
  readonly #clock: Clock;
  readonly #perHour: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perHour: number, clock: Clock) {
    this.#perHour = perHour;
    this.#clock = clock;
  }

  take(address: string): Verdict {
    const now = this.#clock.now();
    const msPerToken = 3_600_000 / this.#perHour;
    const bucket = this.#buckets.get(address) ?? { tokens: this.#perHour, at: now };
    bucket.tokens = Math.min(this.#perHour, bucket.tokens + (now - bucket.at) / msPerToken);
    bucket.at = now;
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > PRUNE_AT) prune(this.#buckets, (b) => b.tokens + (now - b.at) / msPerToken >= this.#perHour);
    if (bucket.tokens < 1) return retryAfter((1 - bucket.tokens) * msPerToken);
    bucket.tokens -= 1;
    return undefined;
  }
}

function prune<V>(map: Map<string, V>, expired: (value: V) => boolean): void {
  for (const [key, value] of map) if (expired(value)) map.delete(key);
}
