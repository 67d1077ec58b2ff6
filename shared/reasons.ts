// Why a command was refused, where its code alone does not tell the cases apart (CONFLICT covers
// a claim made twice and an item sold out). The domain raises a reason; this table gives its wire
// code, in one place; the nack carries both (`nack.reason`), so a client branches on the reason
// instead of parsing the English `message`. A reason is never reused for another meaning (one
// meaning may be refused by several commands: UNKNOWN_ITEM, TASK_COMPLETED). A code that has one
// meaning only (INSUFFICIENT_FUNDS, IDEMPOTENCY_MISMATCH, ...) carries no reason.
// Browser-safe: no zod.
import type { ErrorCode } from './protocol.ts';

export const Reason = {
  // The player room.
  /** streak.claim: already claimed this UTC day. */
  ALREADY_CLAIMED: 'ALREADY_CLAIMED',
  /** shop.buy: no such offer in the shop of the economy in force. */
  UNKNOWN_ITEM: 'UNKNOWN_ITEM',
  /** shop.buy: the offer exists but is not for sale now: before its `startsAt`, or from its
   *  `endsAt` on (the message names the bound). */
  NOT_FOR_SALE: 'NOT_FOR_SALE',
  /** shop.buy: none left. */
  SOLD_OUT: 'SOLD_OUT',
  /** shop.buy: fewer left than `qty` (also when other buyers took the last units first). */
  NOT_ENOUGH_STOCK: 'NOT_ENOUGH_STOCK',
  /** shop.buy: price × qty (or a currency the offer grants × qty) is beyond any balance;
   *  wallet.exchange: what it would receive is. */
  TOTAL_TOO_LARGE: 'TOTAL_TOO_LARGE',
  /** shop.buy: the player would buy more of the offer than its `perPlayer` limit allows, counting
   *  every unit they bought before (under any economy version). */
  PURCHASE_LIMIT: 'PURCHASE_LIMIT',
  /** wallet.exchange, admin.grant: the currency named (the message names the field) is not one of
   *  the economy in force. */
  UNKNOWN_CURRENCY: 'UNKNOWN_CURRENCY',
  /** wallet.exchange: the economy in force publishes no rate from `from` to `to`. */
  NO_RATE: 'NO_RATE',
  /** wallet.exchange: `amount` buys less than one unit of `to` at the rate (rounding down); the
   *  message names the smallest amount that buys one. */
  EXCHANGE_TOO_SMALL: 'EXCHANGE_TOO_SMALL',
  /** game.* (every installed game that takes a stake or a price), crash.bet: the game does not
   *  take this currency in the economy version in force (its params do not list it). */
  CURRENCY_NOT_ACCEPTED: 'CURRENCY_NOT_ACCEPTED',
  /** game.* (bet games), crash.bet: the stake is below the currency's `min` or above its `max`
   *  in the economy version in force; the message gives both. */
  BET_OUT_OF_LIMITS: 'BET_OUT_OF_LIMITS',

  // The crash room.
  /** crash.bet: the round is not taking bets (it runs or has crashed); bet in the next round. */
  ROUND_CLOSED: 'ROUND_CLOSED',
  /** crash.bet: the player already bet in this round (one bet per round). */
  ALREADY_BET: 'ALREADY_BET',
  /** crash.bet: this id's stake was taken for an earlier round, which is over; that round's
   *  settlement refunds it; bet again with a new id. */
  STAKE_ROUND_OVER: 'STAKE_ROUND_OVER',
  /** crash.cashout: the round is not running (still betting, or crashed). */
  ROUND_NOT_RUNNING: 'ROUND_NOT_RUNNING',
  /** crash.cashout: the player has no bet in this round. */
  NO_BET: 'NO_BET',
  /** crash.cashout: the player already cashed out of this round. */
  ALREADY_CASHED_OUT: 'ALREADY_CASHED_OUT',
  /** crash.cashout: the multiplier reached the crash point before the cash-out; the bet is lost. */
  CRASHED_FIRST: 'CRASHED_FIRST',

  // The board room (and the admin's task commands, which the board decides).
  /** task.accept, task.complete, task.abandon, admin.task.cancel: no such task on this board, or
   *  it was cancelled. */
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  /** task.accept: the sender accepted this task already. */
  ACCEPTED_BY_YOU: 'ACCEPTED_BY_YOU',
  /** task.accept: another player accepted this task first. */
  TASK_TAKEN: 'TASK_TAKEN',
  /** task.complete, task.abandon: the task is not accepted by the sender (it is open, or
   *  another player's). */
  NOT_ASSIGNEE: 'NOT_ASSIGNEE',
  /** task.accept, task.complete, task.abandon, admin.task.cancel: the task is completed (its
   *  bounty is owed or paid); nothing more can happen to it. */
  TASK_COMPLETED: 'TASK_COMPLETED',

  // The admin room.
  /** admin.grant, admin.user.get: no player with this userId has ever played. */
  UNKNOWN_USER: 'UNKNOWN_USER',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** The wire code of each reason: the code each refusal had before it had a reason. */
export const REASON_CODES = {
  ALREADY_CLAIMED: 'CONFLICT',
  UNKNOWN_ITEM: 'NOT_FOUND',
  NOT_FOR_SALE: 'CONFLICT',
  SOLD_OUT: 'CONFLICT',
  NOT_ENOUGH_STOCK: 'CONFLICT',
  TOTAL_TOO_LARGE: 'INVALID_INPUT',
  PURCHASE_LIMIT: 'CONFLICT',
  UNKNOWN_CURRENCY: 'INVALID_INPUT',
  NO_RATE: 'CONFLICT',
  EXCHANGE_TOO_SMALL: 'INVALID_INPUT',
  CURRENCY_NOT_ACCEPTED: 'INVALID_INPUT',
  BET_OUT_OF_LIMITS: 'INVALID_INPUT',
  ROUND_CLOSED: 'CONFLICT',
  ALREADY_BET: 'CONFLICT',
  STAKE_ROUND_OVER: 'CONFLICT',
  ROUND_NOT_RUNNING: 'CONFLICT',
  NO_BET: 'CONFLICT',
  ALREADY_CASHED_OUT: 'CONFLICT',
  CRASHED_FIRST: 'CONFLICT',
  TASK_NOT_FOUND: 'NOT_FOUND',
  ACCEPTED_BY_YOU: 'CONFLICT',
  TASK_TAKEN: 'CONFLICT',
  NOT_ASSIGNEE: 'CONFLICT',
  TASK_COMPLETED: 'CONFLICT',
  UNKNOWN_USER: 'NOT_FOUND',
} as const satisfies Record<Reason, ErrorCode>;
