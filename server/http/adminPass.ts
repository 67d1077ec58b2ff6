// Device passes for admin sign-in: `POST /auth/admin` hands one out with every correct sign-in, and
// a later sign-in that presents it is judged on the pass' own failures only (signInLimits.ts), so a
// stranger who shares the admin's address, or spends the shared budget of wrong passwords, cannot
// keep out an admin who signed in from that device before. A pass is no credential: the password
// is still checked. Stateless (an HMAC under a key derived from JWT_SECRET and ADMIN_PASSWORD), so
// every process accepts every process' passes and rotating either secret ends them all; the key
// never comes from the password alone, so a stolen pass is no offline test of password guesses.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';

/** How long a pass is good for; each correct sign-in hands out a new one. */
export const ADMIN_PASS_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Longer than any pass this module writes: anything longer is not looked at. */
export const ADMIN_PASS_MAX_LENGTH = 128;

export type AdminPasses = {
  issue(): string;
  /** The pass' id when it is one of ours and not expired; undefined otherwise. */
  verify(pass: string): string | undefined;
};

export function adminPasses(jwtSecret: string, adminPassword: string, clock: Clock): AdminPasses {
  const key = createHash('sha256').update(`coffer admin device passes\u0000${jwtSecret}\u0000${adminPassword}`).digest();
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  return {
    issue() {
      const body = `${randomBytes(16).toString('base64url')}.${clock.now() + ADMIN_PASS_TTL_MS}`;
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(pass) {
      if (pass.length > ADMIN_PASS_MAX_LENGTH) return undefined;
      const match = /^([A-Za-z0-9_-]{22})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(pass);
      if (!match) return undefined;
      const [, id, expires, signature] = match;
      const given = Buffer.from(signature!, 'base64url');
      const expected = mac(`${id}.${expires}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return Number(expires) > clock.now() ? id : undefined;
    },
  };
}
