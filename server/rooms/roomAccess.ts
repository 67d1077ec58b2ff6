// Who may be in a player room, whatever the route in. The static onAuth sees only the
// join options, so `joinById` (which names a room, not a user) used to seat anyone in any player
// room. Two guards close it: the matchmaking call names the room's real owner before onAuth runs
// (a clear 403 at matchmaking), and the room itself checks every seat it fills, a join's or a
// reconnection's, against its owner, whatever reached it (its seat rule, seatCheck.ts).
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../shared/protocol.ts';
import type { Identity } from '../auth/tokens.ts';
import { refuse } from './joinAuth.ts';

/** The owner or an admin (read-only, decided by the room); anyone else is refused FORBIDDEN. */
export function assertPlayerRoomAccess(identity: Identity | undefined, ownerId: string): void {
  if (!identity) throw refuse('UNAUTHORIZED', 'a token is required; sign in with POST /auth/guest or /auth/admin');
  if (identity.role === 'admin' || identity.userId === ownerId) return;
  throw refuse('FORBIDDEN', 'you may only join your own player room');
}

/**
 * `POST /matchmake/joinById/<roomId>` into a player room: the `userId` option becomes the room's
 * owner (kept in the room listing by filterBy), so the room's own onAuth rule decides. A listing
 * without an owner gets an empty userId, which that rule refuses.
 */
export function pinJoinByIdToRoomOwner(): void {
  const controller = matchMaker.controller;
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (method, roomName, clientOptions = {}, authOptions) => {
    if (method === 'joinById') {
      const listing = await matchMaker.driver.findOne({ roomId: roomName });
      if (listing?.name === RoomName.player) {
        const owner = (listing.metadata as { userId?: unknown } | undefined)?.userId;
        const options = typeof clientOptions === 'object' && clientOptions !== null ? clientOptions : {};
        clientOptions = { ...options, userId: typeof owner === 'string' ? owner : '' };
      }
    }
    return invoke(method, roomName, clientOptions, authOptions);
  };
}
