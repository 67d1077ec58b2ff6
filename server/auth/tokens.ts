// Signed JWTs (HS256, fast-jwt). Claims: sub, role (player | admin), name, gen (the user's session
// generation, sessions.ts), iat, exp. Admin tokens are signed with a key of their own (header kid
// "admin"), derived from JWT_SECRET and ADMIN_PASSWORD: rotating the admin password ends every admin
// token, while players' tokens (and so guest accounts, which have no other credential) live on.
// fast-jwt signs and verifies with node:crypto's HMAC in the calling turn: a join signs one token and
// verifies it once or twice, and WebCrypto's asynchronous HMAC (jose) cost 140-190 µs of CPU per
// sign and verify against 20-50 µs here (BENCHMARKS.md, "Crash bets in groups").
import { createHash } from 'node:crypto';
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { Sessions } from './sessions.ts';

export type Role = 'player' | 'admin';
export type Identity = { userId: string; role: Role; name: string; generation?: number };

/** How long a token is valid, in milliseconds (24 hours). */
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const ADMIN_KID = 'admin';

export type Tokens = { sign(identity: Identity): Promise<string>; verify(token: string): Promise<Identity> };

type Claims = { sub?: unknown; role?: unknown; name?: unknown; gen?: unknown };

/** Without `sessions` (tools, tests of the signature alone) no session is checked. */
export function createTokens(secret: string, adminPassword: string, sessions?: Sessions): Tokens {
  const key = Buffer.from(secret);
  const adminKey = createHash('sha256').update(`coffer admin tokens\u0000${secret}\u0000${adminPassword}`).digest();
  const signer = { player: createSigner({ key, algorithm: 'HS256', expiresIn: TOKEN_TTL_MS }), admin: createSigner({ key: adminKey, algorithm: 'HS256', expiresIn: TOKEN_TTL_MS, kid: ADMIN_KID }) };
  const verifyOptions = { algorithms: ['HS256' as const], requiredClaims: ['exp'] };
  const verifier = { player: createVerifier({ key, ...verifyOptions }), admin: createVerifier({ key: adminKey, ...verifyOptions }) };
  const header = createDecoder({ complete: true });
  return {
    sign: async ({ userId, role, name, generation = 0 }) => signer[role]({ sub: userId, role, name, gen: generation }),
    async verify(token) {
      // The header names the key (an admin token's kid); the signature under that key is then checked.
      const kid = (header(token) as { header: { kid?: unknown } }).header.kid;
      const payload = (kid === ADMIN_KID ? verifier.admin : verifier.player)(token) as Claims;
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'player' && role !== 'admin') || typeof payload.name !== 'string') {
        throw new Error('token is missing sub, role or name');
      }
      // An admin role signed with the players' key is not an admin (tokens from before admin tokens
      // had a key of their own).
      if ((role === 'admin') !== (kid === ADMIN_KID)) throw new Error('the token role does not match its key');
      const generation = typeof payload.gen === 'number' && Number.isSafeInteger(payload.gen) ? payload.gen : 0;
      if (sessions) await sessions.check(payload.sub, generation);
      return { userId: payload.sub, role, name: payload.name, generation };
    },
  };
}
