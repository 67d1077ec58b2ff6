// The effect sweeper: wakes the rooms of players who are owed effects (bounties, crash payouts)
// whose direct delivery was lost: a crash between the source's commit and its call, a player room
// that was reloading or was replaced when the call came.
//
// Promise: an effect is applied within `windowMs` of its commit, whatever happened to its direct
// delivery. So an effect counts as lost once it is a third of the window old, and the sweep runs
// every third of the window: the worst case is two thirds, plus the delivery itself. A delivery
// that hangs (a room that never answers) holds back only its own player, never the sweep: before,
// one such call kept every later sweep from starting (bounties that took over 30 s).
import type { Logger } from '../observability/logger.ts';
import { playersOwed } from '../store/effectsStore.ts';
import type { Orm } from '../store/orm.ts';
import { deliverEffects } from '../calls/playerRooms.ts';

export type EffectSweeper = { stop(): void };

/** How long one delivery may take before its player is swept again. */
const DELIVERY_TIMEOUT_MS = 10_000;

export function startEffectSweeper(orm: Orm, logger: Logger, windowMs: number, deliver: (userId: string) => Promise<unknown> = (userId) => deliverEffects(userId, (error) => logger.warn({ userId, err: error }, 'effect delivery failed; the next sweep retries'))): EffectSweeper {
  const everyMs = Math.max(100, Math.floor(windowMs / 3));
  const graceMs = everyMs;
  const delivering = new Map<string, number>();
  let reading = false;
  const sweep = async () => {
    const now = Date.now();
    for (const [userId, since] of delivering) if (now - since > DELIVERY_TIMEOUT_MS) delivering.delete(userId);
    const owed = await playersOwed(orm, graceMs);
    for (const userId of owed) {
      if (delivering.has(userId)) continue;
      delivering.set(userId, now);
      void deliver(userId)
        .catch((error: unknown) => logger.warn({ userId, err: error }, 'effect delivery failed; the next sweep retries'))
        .finally(() => delivering.delete(userId));
    }
  };
  const timer = setInterval(() => {
    // One read of the owed players at a time: a slow read is not stacked on.
    if (reading) return;
    reading = true;
    void sweep()
      .catch((error: unknown) => logger.warn({ err: error }, 'effect sweep could not read the owed effects; the next sweep retries'))
      .finally(() => (reading = false));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
