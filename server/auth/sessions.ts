// Revocable sessions (issue 16): a kicked player used to rejoin at once with the same token, and a
// token lived its 24 hours whatever happened. Each token carries the user's `generation`; a join
// whose token is older than the stored generation is refused, and so is any join while the user is
// banned. Read from PostgreSQL at every join (one primary-key lookup), so a revocation holds on
// every process at once; live sockets are closed by sessionEnforcer.ts.
import type { Clock } from '../domain/clock.ts';
import type { Sql } from '../store/sql.ts';

export type SessionState = { generation: number; bannedUntil: Date | null };

/** Why a token that verified is still refused: a typed value, turned into a join code by joinAuth. */
export class SessionRefused extends Error {
  readonly code: 'UNAUTHORIZED' | 'FORBIDDEN';
  constructor(code: 'UNAUTHORIZED' | 'FORBIDDEN', message: string) {
    super(message);
    this.name = 'SessionRefused';
    this.code = code;
  }
}

/** Storage could not say whether the session is valid: the join is retryable, not unauthorized. */
export class SessionUnknown extends Error {
  constructor(cause: unknown) {
    super('session state could not be read', { cause });
    this.name = 'SessionUnknown';
  }
}

export type Sessions = {
  state(userId: string): Promise<SessionState>;
  /** Throws SessionRefused (revoked, banned) or SessionUnknown (storage down). */
  check(userId: string, generation: number): Promise<void>;
  /** Every token of the user issued so far stops working; returns the new generation. */
  revoke(userId: string): Promise<number>;
  /** No join until `until` (tokens stay valid after it). */
  ban(userId: string, until: Date): Promise<void>;
};

export function createSessions(sql: Sql, clock: Clock): Sessions {
  const state = async (userId: string): Promise<SessionState> => {
    const [row] = await sql.query<{ generation: number; banned_until: Date | null }>(`SELECT generation, banned_until FROM user_sessions WHERE user_id = $1`, [userId]);
    return { generation: row?.generation ?? 0, bannedUntil: row?.banned_until ? new Date(row.banned_until) : null };
  };
  return {
    state,
    async check(userId, generation) {
      let current: SessionState;
      try {
        current = await state(userId);
      } catch (error) {
        throw new SessionUnknown(error);
      }
      if (generation < current.generation) throw new SessionRefused('UNAUTHORIZED', 'this session was ended by an admin; sign in again');
      if (current.bannedUntil && current.bannedUntil.getTime() > clock.now()) {
        throw new SessionRefused('FORBIDDEN', `this account is banned until ${current.bannedUntil.toISOString()}`);
      }
    },
    async revoke(userId) {
      const [row] = await sql.query<{ generation: number }>(
        `INSERT INTO user_sessions (user_id, generation) VALUES ($1, 1)
         ON CONFLICT (user_id) DO UPDATE SET generation = user_sessions.generation + 1, updated_at = now() RETURNING generation`,
        [userId],
      );
      return row!.generation;
    },
    async ban(userId, until) {
      await sql.query(
        `INSERT INTO user_sessions (user_id, banned_until) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET banned_until = excluded.banned_until, updated_at = now()`,
        [userId, until],
      );
    },
  };
}
