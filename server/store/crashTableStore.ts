// The crash core's TableStore port (server/core/crash/tableWrites.ts) on PostgreSQL or PGlite:
// one table's writes inside one of its fenced transactions (crashStore.ts, crashSettlement.ts).
import type { TableStore } from '../core/crash/tableWrites.ts';
import { insertChain, insertRound, markRunning, saveBets } from './crashStore.ts';
import { settleStoredRound } from './crashSettlement.ts';
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
