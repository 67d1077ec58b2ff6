// A crash round's settlement as one step of the table's fenced transaction: the round and its
// stakes as stored, settled by the rules of server/core/crash/settlement.ts (the same function the
// seeded property tests run), then booked: played stakes escrow -> house, payouts and refunds as
// effects each player's room applies, the round marked settled with the stakes it handled.
import { roundRef, settleRound, type Settlement } from '../core/crash/settlement.ts';
import { SystemAccount } from '../domain/ledger.ts';
import { markSettled, roundToSettle, stakesInEscrow, systemTransfer } from './crashStore.ts';
import { insertEffectsOnce } from './effectsStore.ts';
import type { Queryable, Sql } from './sql.ts';

/** Settles the round once; undefined when it was settled already (by this or an earlier room). */
export async function settleStoredRound(sql: Sql, trx: Queryable, table: string, roundId: number): Promise<Settlement | undefined> {
  const round = await roundToSettle(sql, trx, table, roundId);
  if (!round) return undefined;
  const ref = roundRef(table, roundId);
  const settlement = settleRound({ table, roundId, ran: round.ran, bets: round.bets }, await stakesInEscrow(sql, trx, ref));
  for (const [currency, amount] of Object.entries(settlement.toHouse)) {
    await systemTransfer(sql, trx, SystemAccount.escrow, SystemAccount.house, amount, currency, 'crash.settle', ref);
  }
  await insertEffectsOnce(sql, settlement.effects.filter((e) => e.amount > 0), trx);
  await markSettled(sql, trx, table, roundId, settlement.handled);
  return settlement;
}
