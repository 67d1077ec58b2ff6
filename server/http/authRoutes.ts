// POST /auth/guest and POST /auth/admin (PROTOCOL.md "Authentication").
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { createEndpoint } from '@colyseus/core';
import { z } from 'zod';
import type { Tokens } from '../auth/tokens.ts';
import { controlCharacterMessage, isPlainText } from '../../shared/plainText.ts';
import { httpError, json } from './json.ts';

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

export function authRoutes(tokens: Tokens, adminPassword: string) {
  return {
    authGuest: createEndpoint('/auth/guest', { method: 'POST' }, async (ctx) => {
      const parsed = guestBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      const userId = randomUUID();
      const displayName = parsed.data.displayName ?? `guest-${userId.slice(0, 6)}`;
      const token = await tokens.sign({ userId, role: 'player', name: displayName });
      return json(200, { token, userId, displayName });
    }),
    authAdmin: createEndpoint('/auth/admin', { method: 'POST' }, async (ctx) => {
      const parsed = adminBody.safeParse(ctx.body ?? {});
      if (!parsed.success) return invalid(parsed.error);
      if (!sameSecret(parsed.data.password, adminPassword)) return httpError(401, 'UNAUTHORIZED', 'the admin password is wrong');
      const userId = 'admin';
      const token = await tokens.sign({ userId, role: 'admin', name: 'admin' });
      return json(200, { token, userId, role: 'admin' });
    }),
  };
}
