// Reaching a player's room from another room (INV-8, docs/ARCHITECTURE.md): find it wherever it lives, or
// create it when the player is offline (it loads under a new epoch and disposes itself once idle),
// then call one of its methods through the matchmaker, which also works across processes.
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import { playersOwed } from '../store/effectsStore.ts';
import type { Sql } from '../store/sql.ts';

/** The methods of PlayerRoom that other rooms call. */
export type PlayerRoomMethod = 'applyEffects' | 'adminGrant' | 'crashBet' | 'kick';

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

export async function callPlayerRoom<T>(userId: string, method: PlayerRoomMethod, args: unknown[] = []): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const room = await findOrCreate(userId);
    try {
      return (await matchMaker.remoteRoomCall(room.roomId, method, args)) as T;
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
 * Wakes the rooms of players who are owed effects older than `graceMs` (their delivery was lost:
 * a crash between the source's commit and the call, a player room that was reloading). Returns
 * the timer's stop function.
 */
export function startEffectSweeper(sql: Sql, logger: Logger, everyMs: number, graceMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void playersOwed(sql, graceMs)
      .then((userIds) => Promise.all(userIds.map((userId) => callPlayerRoom(userId, 'applyEffects').catch((error: unknown) => logger.warn({ userId, err: error }, 'effect delivery failed; will retry')))))
      .catch((error: unknown) => logger.warn({ err: error }, 'effect sweep failed; will retry'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
