// POST /auth/guest and POST /auth/admin (docs/PROTOCOL.md "Authentication").
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { createEndpoint } from '@colyseus/core';
import { z } from 'zod';
import type { Sessions } from '../auth/sessions.ts';
import type { Tokens } from '../auth/tokens.ts';
import type { Logger } from '../observability/logger.ts';
import { controlCharacterMessage, isPlainText } from '../../shared/plainText.ts';
import { clientAddress } from './clientAddress.ts';
import { httpError, json, rateLimited } from './json.ts';
import type { AdminSignInGuard, GuestSignUpLimit } from './signInLimits.ts';

const guestBody = z.object({
  displayName: z
    .string({ error: 'displayName must be a string of 1-32 characters' })
    .refine(isPlainText, { error: controlCharacterMessage('displayName'), abort: true })
    .trim().min(1, 'displayName must be a string of 1-32 characters').max(32, 'displayName must be a string of 1-32 characters').optional(),
});
const adminBody = z.object({ password: z.string({ error: 'password must be a string' }) });

function sameSecret(a: string, b: string): boolean {
  // Compare digests so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function invalid(error: z.ZodError): Response {
  return httpError(400, 'INVALID_INPUT', error.issues[0].message);
}

export type SignInLimits = { admin: AdminSignInGuard; guest: GuestSignUpLimit; trustedProxies: ReadonlySet<string>; logger: Pick<Logger, 'warn'> };

export function authRoutes(tokens: Tokens, adminPassword: string, limits: SignInLimits, sessions: Pick<Sessions, 'state'>) {
  const addressOf = (request: Request | undefined) => (request ? clientAddress(request.headers, limits.trustedProxies) : 'unknown');
  return {
    authGuest: createEndpoint('/auth/guest', { method: 'POST' }, async (ctx) => {
      const parsed = guestBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      // Counted once the body is valid: a refused body creates no account.
      const wait = limits.guest.take(addressOf(ctx.request));
      if (wait !== undefined) return rateLimited(wait, 'too many guest sign-ups from this address');
      const userId = randomUUID();
      const displayName = parsed.data.displayName ?? `guest-${userId.slice(0, 6)}`;
      const token = await tokens.sign({ userId, role: 'player', name: displayName });
      return json(200, { token, userId, displayName });
    }),
    authAdmin: createEndpoint('/auth/admin', { method: 'POST' }, async (ctx) => {
      const parsed = adminBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      const address = addressOf(ctx.request);
      const locked = limits.admin.check(address);
      if (locked !== undefined) return rateLimited(locked, 'too many wrong admin passwords');
      if (!sameSecret(parsed.data.password, adminPassword)) {
        const lockout = limits.admin.failed(address);
        // Once per lockout (a locked address is refused before its guesses count): someone is guessing.
        if (lockout !== undefined) limits.logger.warn({ address, retryAfterSeconds: lockout }, 'admin sign-in locked out after wrong passwords');
        return lockout === undefined ? httpError(401, 'UNAUTHORIZED', 'the admin password is wrong') : rateLimited(lockout, 'the admin password is wrong, and too many were');
      }
      limits.admin.succeeded(address);
      const userId = 'admin';
      // Signed under the admin's current generation: admin.sessions.revoke on `admin` ends it.
      const generation = await sessions.state(userId).then(
        (state) => state.generation,
        () => undefined,
      );
      if (generation === undefined) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
      const token = await tokens.sign({ userId, role: 'admin', name: 'admin', generation });
      return json(200, { token, userId, role: 'admin' });
    }),
  };
}
