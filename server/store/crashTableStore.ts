// The crash core's TableStore port (server/core/crash/tableWrites.ts) on PostgreSQL or PGlite:
// one table's writes inside one of its fenced transactions (crashStore.ts, crashSettlement.ts);
// and what a table's room reads when it loads.
import type { TableStore } from '../core/crash/tableWrites.ts';
import { insertChain, insertRound, markRunning, nextRoundId, recentRounds, saveBets, tableChains, unsettledRounds } from './crashStore.ts';
import { settleStoredRound } from './crashSettlement.ts';
import type { Orm } from './orm.ts';
import type { Queryable, Sql } from './sql.ts';

export function crashTableStore(sql: Sql, trx: Queryable, table: string): TableStore {
  return {
    insertChain: (chain) => insertChain(sql, trx, table, chain),
    insertRound: (roundId, commitment) => insertRound(sql, trx, table, roundId, commitment),
    markRunning: (roundId) => markRunning(sql, trx, table, roundId),
    settle: (roundId) => settleStoredRound(sql, trx, table, roundId),
    saveBets: (roundId, bets) => saveBets(sql, trx, table, roundId, bets),
  };
}

/** A table as its room loads it: its chains' seeds, the rounds left unsettled, the next round's id and the last `history` settled ones (newest first). */
export async function loadCrashTable(sql: Sql, orm: Orm, table: string, history: number) {
  const [seeds, unsettled, next, recent] = await Promise.all([tableChains(sql, table), unsettledRounds(orm, table), nextRoundId(orm, table), recentRounds(orm, table, history)]);
  return { seeds, unsettled, next, recent };
}
