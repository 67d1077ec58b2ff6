// Reaching a player's room from another room (INV-8, docs/ARCHITECTURE.md): find it wherever it lives, or
// create it when the player is offline (it loads under a new epoch and disposes itself once idle),
// then call one of its methods through the matchmaker, which also works across processes.
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../shared/protocol.ts';
import { callRoom, refuseInTransaction, type CallArgs, type CallResult, type PlayerRoomCalls } from './roomCalls.ts';
import { ServerShuttingDown } from '../writers/replies.ts';

const creating = new Map<string, Promise<{ roomId: string }>>();

async function findOrCreate(userId: string): Promise<{ roomId: string }> {
  const found = await matchMaker.findOneRoomAvailable(RoomName.player, { userId });
  if (found) return found;
  // A creation racing a client's joinOrCreate or another process claims the same fixed id first
  // (server/matchmaking/roomDirectory.ts): the loser loads nothing and this returns the winner.
  // The map only saves this process a second attempt.
  let pending = creating.get(userId);
  if (!pending) {
    pending = matchMaker.createRoom(RoomName.player, { userId }).finally(() => creating.delete(userId));
    creating.set(userId, pending);
  }
  return pending;
}

function shuttingDown(): boolean {
  return matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN;
}

export async function callPlayerRoom<M extends keyof PlayerRoomCalls>(userId: string, method: M, ...args: CallArgs<PlayerRoomCalls[M]>): Promise<CallResult<PlayerRoomCalls[M]>> {
  // Before the lookup: creating the room loads the player, on a connection of its own.
  refuseInTransaction(method);
  for (let attempt = 1; ; attempt++) {
    // A room created now would outlive the shutdown's room disposal and the database.
    if (shuttingDown()) throw new ServerShuttingDown();
    const room = await findOrCreate(userId);
    try {
      return await callRoom<PlayerRoomCalls, M>(room.roomId, method, args);
    } catch (error) {
      // The room was disposing between the lookup and the call: look again, once.
      if (attempt >= 2) throw error;
    }
  }
}

/** Only a live room, never a new one (a kick does not need to load an offline player). */
export async function findPlayerRoom(userId: string): Promise<{ roomId: string } | undefined> {
  return (await matchMaker.findOneRoomAvailable(RoomName.player, { userId })) ?? undefined;
}

/**
 * Asks a player's room to apply what it is owed now (a bounty, a payout): the fast path of an
 * effect, whose durable copy waits in `effects` (INV-8). Never fails: a delivery that cannot be
 * made now is made by the effect sweeper, on this process or after a restart, so the caller has
 * nothing to do about it (`onFailure` is told, to log it; a shutdown is expected, not told).
 */
export async function deliverEffects(userId: string, onFailure: (error: unknown) => void): Promise<void> {
  try {
    await callPlayerRoom(userId, 'applyEffects');
  } catch (error) {
    if (!(error instanceof ServerShuttingDown)) onFailure(error);
  }
}
