// One check for every seat a room fills, a join's and a reconnection's alike (docs/PROTOCOL.md
// "Sign-in limits and sessions"). Colyseus fills two kinds of seat: one matchmaking reserved
// (onAuth verified its token then, maybe seconds before a ban or a revocation), and one it kept for
// a dropped client (allowReconnection), which it hands to whoever presents the reconnection token,
// copying the dropped client's identity onto the new socket without looking at the token that
// socket carries. So a leaked reconnection token with anybody's valid token (or none) was a full
// credential, and only the player room looked again. Here, before the seat is taken:
// - a kept seat needs the token the socket presents (`_authToken`, what the transport hands the
//   room) to be the seat owner's own: valid, same user and role, the same session generation;
// - a reserved seat's session is read again (not revoked, not banned since matchmaking);
// - either way the name is judged by today's rules and the room's own rule applies.
// A ban committed just after that read is caught by sessionEnforcer.ts closing the seated socket
// (seated in the same turn as the read's answer), unless its message overtakes that answer.
import type { AuthContext, Client } from '@colyseus/core';
import type { Sessions } from '../auth/sessions.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import { authenticate, judgeName, refuse, sessionRefusal } from './joinAuth.ts';

export type SeatChecks = { tokens: Tokens; sessions: Pick<Sessions, 'check'> };

/** A room's own rule on who may sit in it; throws the refusal (shared rooms have none). */
export type SeatRule = (identity: Identity) => void;

/**
 * The seat a socket is taking: `reserved` by matchmaking, or `kept` for a dropped client; `owner`
 * is the identity the room holds for it (from onAuth), undefined if it holds none.
 */
export type Seat = { kind: 'reserved' | 'kept'; owner: Identity | undefined };

/** Throws the join refusal unless the socket may take `seat`; `presentedToken` is the socket's own. */
export async function admitSeat(checks: SeatChecks, seat: Seat, presentedToken: unknown, rule: SeatRule): Promise<void> {
  const owner = seat.owner;
  if (!owner) throw refuse('UNAUTHORIZED', 'a token is required; sign in with POST /auth/guest or /auth/admin');
  if (seat.kind === 'kept') {
    // Signature, session (generation, ban) and name: the same check as a join's onAuth.
    const presented = await authenticate(checks.tokens, presentedToken);
    if (presented.userId !== owner.userId || presented.role !== owner.role) throw refuse('FORBIDDEN', "a reconnection needs the seat owner's own token");
    // A seat kept from a session that was ended since is not taken over by the next session.
    if ((presented.generation ?? 0) !== (owner.generation ?? 0)) throw refuse('UNAUTHORIZED', 'this seat belongs to a session that was ended; sign in again');
  } else {
    try {
      await checks.sessions.check(owner.userId, owner.generation ?? 0);
    } catch (error) {
      throw sessionRefusal(error);
    }
    judgeName(owner);
  }
  rule(owner);
}

/**
 * Colyseus' seat bookkeeping on a room (it has no API for it): per session id [join options,
 * onAuth's identity, consumed, kept for a reconnection]; the kept seats' reconnections by token;
 * its one entry for a socket taking a seat (private in its types).
 */
export type ColyseusSeats = {
  _reservedSeats: Record<string, [unknown, Identity | undefined, boolean, boolean] | undefined>;
  _reconnections: Record<string, [string, { reject(reason?: unknown): void }] | undefined>;
  _onJoin(client: Client, authContext: AuthContext, connectionOptions?: { reconnectionToken?: string }): Promise<void>;
};

/**
 * Which seat a socket takes, as Colyseus' _onJoin will decide: the reserved one, or that of a live
 * client whose connection went stale (Colyseus waits for it to drop, then keeps it), or none
 * (Colyseus refuses the socket itself).
 */
export function seatBeingTaken(seats: ColyseusSeats, clients: readonly Client[], sessionId: string, reconnectionToken: string | undefined): Seat | undefined {
  const reserved = seats._reservedSeats[sessionId];
  if (reserved) return { kind: reserved[3] ? 'kept' : 'reserved', owner: reserved[1] };
  const live = clients.find((client) => client.sessionId === sessionId);
  if (reconnectionToken && live?.reconnectionToken === reconnectionToken) return { kind: 'kept', owner: live.auth as Identity | undefined };
  return undefined;
}

/** Gives up the seats kept for the dropped sockets `whose` picks (by the seat's identity). */
export function giveUpKeptSeats(seats: ColyseusSeats, whose: (identity: Identity | undefined) => boolean): void {
  for (const reconnection of Object.values(seats._reconnections)) {
    const [sessionId, deferred] = reconnection!;
    // What the seat's timeout does: Colyseus then lets the client leave (onLeave) and frees the seat.
    if (whose(seats._reservedSeats[sessionId]?.[1])) deferred.reject(false);
  }
}
