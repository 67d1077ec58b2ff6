// Signed JWTs (HS256, jose). Claims: sub, role (player | admin), name, exp.
import { SignJWT, jwtVerify } from 'jose';

export type Role = 'player' | 'admin';
export type Identity = { userId: string; role: Role; name: string };

export const TOKEN_TTL = '24h';

export type Tokens = { sign(identity: Identity): Promise<string>; verify(token: string): Promise<Identity> };

export function createTokens(secret: string): Tokens {
  const key = new TextEncoder().encode(secret);
  return {
    sign: ({ userId, role, name }) =>
      new SignJWT({ role, name }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime(TOKEN_TTL).sign(key),
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'player' && role !== 'admin') || typeof payload.name !== 'string') {
        throw new Error('token is missing sub, role or name');
      }
      return { userId: payload.sub, role, name: payload.name };
    },
  };
}
