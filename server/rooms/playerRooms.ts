// Reaching a player's room from another room (DESIGN.md rule 6): find it wherever it lives, or
// create it when the player is offline (it loads under a new epoch and disposes itself once idle),
// then call one of its methods through the matchmaker, which also works across processes.
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import { playersOwed } from '../store/effectsStore.ts';
import type { Sql } from '../store/sql.ts';
import { callRoom, type CallArgs, type CallResult, type PlayerRoomCalls } from './roomCalls.ts';

const creating = new Map<string, Promise<{ roomId: string }>>();

async function findOrCreate(userId: string): Promise<{ roomId: string }> {
  const found = await matchMaker.findOneRoomAvailable(RoomName.player, { userId });
  if (found) return found;
  // One creation per user at a time in this process; a race with another process is settled by
  // the epoch fence (the older room cannot commit and sends its clients to the newer one).
  let pending = creating.get(userId);
  if (!pending) {
    pending = matchMaker.createRoom(RoomName.player, { userId }).finally(() => creating.delete(userId));
    creating.set(userId, pending);
  }
  return pending;
}

export async function callPlayerRoom<M extends keyof PlayerRoomCalls>(userId: string, method: M, ...args: CallArgs<PlayerRoomCalls[M]>): Promise<CallResult<PlayerRoomCalls[M]>> {
  for (let attempt = 1; ; attempt++) {
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
