// POST /auth/guest and POST /auth/admin (docs/PROTOCOL.md "Authentication").
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { createEndpoint } from '@colyseus/core';
import { z } from 'zod';
import type { Sessions } from '../auth/sessions.ts';
import type { Tokens } from '../auth/tokens.ts';
import type { Logger } from '../observability/logger.ts';
import { controlCharacterMessage, invisibleCharacterMessage, INVISIBLE_FORMAT_CHARACTER, isPlainText } from '../../shared/plainText.ts';
import { clientAddress } from './clientAddress.ts';
import { httpError, json, rateLimited } from './json.ts';
import type { AdminPasses } from './adminPass.ts';
import type { AdminSignInGuard, GuestSignUpLimit } from './signInLimits.ts';
import { AUTHORIZATION_HEADER, signUpAuthority } from './signUpAuthority.ts';

const guestBody = z.object({
  displayName: z
    .string({ error: 'displayName must be a string of 1-32 characters' })
    .refine(isPlainText, { error: controlCharacterMessage('displayName'), abort: true })
    // Display names are shown to others: nothing invisible that reorders or disguises them.
    .refine((name) => !INVISIBLE_FORMAT_CHARACTER.test(name), { error: invisibleCharacterMessage('displayName'), abort: true })
    .trim().min(1, 'displayName must be a string of 1-32 characters').max(32, 'displayName must be a string of 1-32 characters').optional(),
});
const adminBody = z.object({
  password: z.string({ error: 'password must be a string' }),
  // A pass this server handed out with an earlier correct sign-in (adminPass.ts); one that is not
  // (expired, from before a secret was rotated) only means the sign-in is judged by its address.
  devicePass: z.string({ error: 'devicePass must be a string' }).optional(),
});

/** Shorter ADMIN_PASSWORDs are warned about at start: guessing is bounded per address, not in total
 *  (signInLimits.ts), so the password's own strength is part of the bound. The invented one has 16. */
export const ADMIN_PASSWORD_ADVISED_LENGTH = 16;

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function invalid(error: z.ZodError): Response {
  return httpError(400, 'INVALID_INPUT', error.issues[0].message);
}

export type SignInLimits = { admin: AdminSignInGuard; adminPasses: AdminPasses; guest: GuestSignUpLimit; trustedProxies: ReadonlySet<string>; logger: Pick<Logger, 'warn'> };

export function authRoutes(tokens: Tokens, adminPassword: string, limits: SignInLimits, sessions: Pick<Sessions, 'state'>) {
  if (adminPassword.length < ADMIN_PASSWORD_ADVISED_LENGTH) {
    limits.logger.warn({ length: adminPassword.length, advised: ADMIN_PASSWORD_ADVISED_LENGTH }, 'ADMIN_PASSWORD is short: use a random one of at least 16 characters (docs/OPERATIONS.md)');
  }
  const addressOf = (request: Request | undefined) => (request ? clientAddress(request.headers, limits.trustedProxies) : 'unknown');
  return {
    authGuest: createEndpoint('/auth/guest', { method: 'POST' }, async (ctx) => {
      const authority = await signUpAuthority(tokens, ctx.request?.headers.get(AUTHORIZATION_HEADER) ?? null);
      if (authority instanceof Response) return authority;
      const parsed = guestBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      // Counted once the body is valid: a refused body creates no account. An admin's sign-ups
      // (load runs, signUpAuthority.ts) are not the address' to answer for.
      if (authority === 'anonymous') {
        const wait = limits.guest.take(addressOf(ctx.request));
        if (wait !== undefined) return rateLimited(wait, 'too many guest sign-ups from this address');
      }
      const userId = randomUUID();
      const displayName = parsed.data.displayName ?? `guest-${userId.slice(0, 6)}`;
      const token = await tokens.sign({ userId, role: 'player', name: displayName });
      return json(200, { token, userId, displayName });
    }),
    authAdmin: createEndpoint('/auth/admin', { method: 'POST' }, async (ctx) => {
      const parsed = adminBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      const address = addressOf(ctx.request);
      const pass = parsed.data.devicePass === undefined ? undefined : limits.adminPasses.verify(parsed.data.devicePass);
      const client = { address, ...(pass === undefined ? {} : { pass }) };
      const locked = limits.admin.check(client);
      if (locked !== undefined) return rateLimited(locked, 'too many wrong admin passwords');
      if (!sameSecret(parsed.data.password, adminPassword)) {
        const lockout = limits.admin.failed(client);
        // Once per lockout (a locked address is refused before its guesses count): someone is guessing.
        if (lockout !== undefined) limits.logger.warn({ address, devicePass: pass !== undefined, retryAfterSeconds: lockout }, 'admin sign-in locked out after wrong passwords');
        return lockout === undefined ? httpError(401, 'UNAUTHORIZED', 'the admin password is wrong') : rateLimited(lockout, 'the admin password is wrong, and too many were');
      }
      limits.admin.succeeded(client);
      const userId = 'admin';
      // Signed under the admin's current generation: admin.sessions.revoke on `admin` ends it.
      const generation = await sessions.state(userId).then(
        (state) => state.generation,
        () => undefined,
      );
      if (generation === undefined) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
      const token = await tokens.sign({ userId, role: 'admin', name: 'admin', generation });
      return json(200, { token, userId, role: 'admin', devicePass: limits.adminPasses.issue() });
    }),
  };
}
