// Revocable sessions: a kicked player used to rejoin at once with the same token, and a
// token lived its 24 hours whatever happened. Each token carries the user's `generation`; a join
// whose token is older than the stored generation is refused, and so is any join while the user is
// banned. Read from PostgreSQL at every join (one primary-key lookup), so a revocation holds on
// every process at once; live sockets are closed by sessionEnforcer.ts. Raw SQL named by the
// entity (server/store/entityNames.ts): the read is on the join path, and the revocation is an
// increment on conflict, which is one statement here.
import { UserSession } from '../../schema/entities/userSession.ts';
import type { Clock } from '../domain/clock.ts';
import { namesOf, perMapping } from '../store/entityNames.ts';
import { preparedEach, type Sql } from '../store/sql.ts';

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

const statements = perMapping((metadata) => {
  const u = namesOf(metadata, UserSession);
  return preparedEach({
    state: `SELECT ${u.select(['generation', 'bannedUntil'])} FROM ${u.table} WHERE ${u.col('userId')} = $1`,
    revoke: `INSERT INTO ${u.table} AS u (${u.cols(['userId', 'generation'])}) VALUES ($1, 1)
     ON CONFLICT (${u.col('userId')}) DO UPDATE SET ${u.col('generation')} = u.${u.col('generation')} + 1, ${u.col('updatedAt')} = now() RETURNING ${u.select(['generation'])}`,
    ban: `INSERT INTO ${u.table} (${u.cols(['userId', 'bannedUntil'])}) VALUES ($1, $2)
     ON CONFLICT (${u.col('userId')}) DO UPDATE SET ${u.setFromExcluded(['bannedUntil'])}, ${u.col('updatedAt')} = now()`,
  });
});

export function createSessions(sql: Sql, clock: Clock): Sessions {
  const s = statements(sql.metadata);
  const state = async (userId: string): Promise<SessionState> => {
    const [row] = await sql.query<SessionState>(s.state, [userId]);
    return { generation: row?.generation ?? 0, bannedUntil: row?.bannedUntil ? new Date(row.bannedUntil) : null };
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
      const [row] = await sql.query<{ generation: number }>(s.revoke, [userId]);
      return row!.generation;
    },
    async ban(userId, until) {
      await sql.query(s.ban, [userId, until]);
    },
  };
}
