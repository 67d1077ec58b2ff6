// Limits on signing in: guessing the admin password and minting guest accounts were
// unlimited (12,708 wrong passwords in 5 s; 10,000 guests in 3 s from one address). Counted in this
// process' memory, per client address (clientAddress.ts) and, for the admin, globally too.
//
// Admin: the limits must bound guessing without letting a stranger keep the admin out (a global
// budget anyone could spend, or a lockout on an address the admin shares, did: docs/PROTOCOL.md,
// "Sign-in limits and sessions"). Who asks is one of:
// - a device pass (adminPass.ts): handed out only with a correct sign-in, so only someone who knew
//   the password holds one. Judged on its own failures alone: no address lockout and no global
//   budget applies to it, so nobody without the pass can lock it out.
// - an address (an IPv6 /64 counts as one: one subscriber's allocation). Each has
//   ADMIN_FREE_FAILURES wrong passwords free; every further one locks it out for a delay that
//   doubles (1 s, 2 s, 4 s, ... up to ADMIN_MAX_LOCKOUT_SECONDS), and a quiet hour forgets it.
//   Over `adminFailuresPerMinute` wrong passwords from everyone together (a spread-out guess),
//   addresses that failed in the last hour are refused until the minute is over; an address that
//   has not failed is still checked, so spending the budget from a few addresses keeps out only
//   those. The price: each address (or /64) gets one guess an hour beyond the budget, which is why
//   the invented password has 96 bits and a short ADMIN_PASSWORD is warned about.
// While locked out the right password is refused too: otherwise the lockout would only slow down
// who guesses wrong.
//
// Guests: a bucket of `guestPerHour` sign-ups per address, refilled evenly over the hour.
import type { Clock } from '../domain/clock.ts';

export const ADMIN_FREE_FAILURES = 5;
export const ADMIN_MAX_LOCKOUT_SECONDS = 15 * 60;
/** A subject with no wrong password for this long starts again with its free failures, and an
 *  address counts as one that has not failed (checked even when the minute's budget is spent). */
export const ADMIN_FORGET_MS = 60 * 60 * 1000;
/** Entries kept per map before expired ones are dropped (memory stays bounded under a spray). */
const PRUNE_AT = 10_000;

/** `undefined`: go on; a number: refuse, and say to retry after that many whole seconds. */
export type Verdict = number | undefined;

/** Who asks for an admin token: the client address, and the id of a verified device pass if any. */
export type AdminClient = { address: string; pass?: string };

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

type Failures = { failures: number; lockedUntil: number; lastFailure: number };

/** The address an admin sign-in is counted under: an IPv6 address by its /64, others as they are. */
export function adminAddressKey(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  if (groups.length !== 8) return address;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export class AdminSignInGuard {
  readonly #clock: Clock;
  readonly #perMinute: number;
  readonly #subjects = new Map<string, Failures>();
  #windowStart = 0;
  #windowFailures = 0;

  constructor(failuresPerMinute: number, clock: Clock) {
    this.#perMinute = failuresPerMinute;
    this.#clock = clock;
  }

  /** Before the password is looked at. */
  check(client: AdminClient): Verdict {
    const now = this.#clock.now();
    const entry = this.#live(client, now);
    if (entry && entry.lockedUntil > now) return retryAfter(entry.lockedUntil - now);
    // A pass is proof of an earlier correct sign-in: the shared budget is not its to answer for.
    if (client.pass !== undefined) return undefined;
    // The minute's budget is spent: only addresses that failed lately wait; the others are checked.
    if (entry && now - this.#windowStart < 60_000 && this.#windowFailures >= this.#perMinute) return retryAfter(this.#windowStart + 60_000 - now);
    return undefined;
  }

  /** A wrong password: counts against who asked and the minute; returns the lockout it started. */
  failed(client: AdminClient): Verdict {
    const now = this.#clock.now();
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#windowFailures = 0;
    }
    this.#windowFailures++;
    const entry = this.#live(client, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    entry.failures++;
    entry.lastFailure = now;
    if (entry.failures > ADMIN_FREE_FAILURES) {
      const seconds = Math.min(ADMIN_MAX_LOCKOUT_SECONDS, 2 ** Math.min(20, entry.failures - ADMIN_FREE_FAILURES - 1));
      entry.lockedUntil = now + seconds * 1000;
    }
    this.#subjects.set(subjectOf(client), entry);
    if (this.#subjects.size > PRUNE_AT) prune(this.#subjects, (e) => now - e.lastFailure > ADMIN_FORGET_MS && e.lockedUntil <= now);
    return entry.lockedUntil > now ? retryAfter(entry.lockedUntil - now) : undefined;
  }

  /** The right password, not locked out: who asked starts again. */
  succeeded(client: AdminClient): void {
    this.#subjects.delete(subjectOf(client));
  }

  /** The subject's failures, unless a quiet hour has forgotten them. */
  #live(client: AdminClient, now: number): Failures | undefined {
    const entry = this.#subjects.get(subjectOf(client));
    return entry && now - entry.lastFailure <= ADMIN_FORGET_MS ? entry : undefined;
  }
}

function subjectOf(client: AdminClient): string {
  return client.pass !== undefined ? `pass:${client.pass}` : `address:${adminAddressKey(client.address)}`;
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
