// Stakes that reach escrow after their round was settled (the table's call to the player's room
// timed out and the bet was refused, but the stake still committed; or the round was settled by a
// successor while the stake was on its way): refunded here, once per stake (the refund's key is
// the stake's), whichever settler or sweep gets there first. The effect sweeper delivers them.
import { lateStakeRefunds } from '../core/crash/settlement.ts';
import type { Logger } from '../observability/logger.ts';
import { lateStakes } from '../store/crashStore.ts';
import { insertEffectsOnce } from '../store/effectsStore.ts';
import type { Sql } from '../store/sql.ts';

/** How far back the sweep looks for settled rounds: a stake is late by seconds (a 2 s call timeout,
 *  a slow commit), and each sweep probes every round settled in the window. */
export const LATE_STAKE_WINDOW_SECONDS = 3_600;

/** One pass: the number of refunds it owed. */
export async function sweepLateStakes(sql: Sql): Promise<number> {
  const late = await lateStakes(sql, LATE_STAKE_WINDOW_SECONDS);
  return insertEffectsOnce(sql, late.flatMap((l) => lateStakeRefunds(l.table, l.roundId, l.handled, l.stakes)));
}

export function startLateStakeSweeper(sql: Sql, logger: Logger, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void sweepLateStakes(sql)
      .then((owed) => owed > 0 && logger.info({ owed }, 'late crash stakes refunded'))
      .catch((error: unknown) => logger.warn({ err: error }, 'late-stake sweep failed; will retry'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
