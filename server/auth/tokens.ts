// Signed JWTs (HS256, jose). Claims: sub, role (player | admin), name, gen (the user's session
// generation, sessions.ts), exp. Admin tokens are signed with a key of their own (header kid
// "admin"), derived from JWT_SECRET and ADMIN_PASSWORD: rotating the admin password ends every admin
// token, while players' tokens (and so guest accounts, which have no other credential) live on.
import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { Sessions } from './sessions.ts';

export type Role = 'player' | 'admin';
export type Identity = { userId: string; role: Role; name: string; generation?: number };

export const TOKEN_TTL = '24h';
const ADMIN_KID = 'admin';

function hmacKey(bytes: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export type Tokens = { sign(identity: Identity): Promise<string>; verify(token: string): Promise<Identity> };

/** Without `sessions` (tools, tests of the signature alone) no session is checked. */
export function createTokens(secret: string, adminPassword: string, sessions?: Sessions): Tokens {
  // Imported once: given raw bytes, jose imports the key into WebCrypto at every sign and verify,
  // a cost on the path of every sign-in and join.
  const key = hmacKey(new TextEncoder().encode(secret));
  const adminKey = hmacKey(createHash('sha256').update(`coffer admin tokens\u0000${secret}\u0000${adminPassword}`).digest());
  const keyFor = (header: JWTHeaderParameters) => (header.kid === ADMIN_KID ? adminKey : key);
  return {
    sign: async ({ userId, role, name, generation = 0 }) =>
      new SignJWT({ role, name, gen: generation })
        .setProtectedHeader(role === 'admin' ? { alg: 'HS256', kid: ADMIN_KID } : { alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(TOKEN_TTL)
        .sign(await (role === 'admin' ? adminKey : key)),
    async verify(token) {
      const { payload, protectedHeader } = await jwtVerify(token, keyFor, { algorithms: ['HS256'] });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'player' && role !== 'admin') || typeof payload.name !== 'string') {
        throw new Error('token is missing sub, role or name');
      }
      // An admin role signed with the players' key is not an admin (tokens from before issue 16).
      if ((role === 'admin') !== (protectedHeader.kid === ADMIN_KID)) throw new Error('the token role does not match its key');
      const generation = typeof payload.gen === 'number' && Number.isSafeInteger(payload.gen) ? payload.gen : 0;
      if (sessions) await sessions.check(payload.sub, generation);
      return { userId: payload.sub, role, name: payload.name, generation };
    },
  };
}
