// Why a command was refused, where its code alone does not tell the cases apart (CONFLICT covers
// a claim made twice and an item sold out). The domain raises a reason; this table gives its wire
// code, in one place; the nack carries both (`nack.reason`), so a client branches on the reason
// instead of parsing the English `message`. A reason is never reused for another meaning.
// Browser-safe: no zod.
import type { ErrorCode } from './protocol.ts';

export const Reason = {
  /** streak.claim: already claimed this UTC day. */
  ALREADY_CLAIMED: 'ALREADY_CLAIMED',
  /** shop.buy: no such item in the catalog. */
  UNKNOWN_ITEM: 'UNKNOWN_ITEM',
  /** shop.buy: the item exists but is not for sale now. */
  NOT_FOR_SALE: 'NOT_FOR_SALE',
  /** shop.buy: none left. */
  SOLD_OUT: 'SOLD_OUT',
  /** shop.buy: fewer left than `qty` (also when other buyers took the last units first). */
  NOT_ENOUGH_STOCK: 'NOT_ENOUGH_STOCK',
  /** shop.buy: price × qty is beyond any balance. */
  TOTAL_TOO_LARGE: 'TOTAL_TOO_LARGE',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** The wire code of each reason. */
export const REASON_CODES = {
  ALREADY_CLAIMED: 'CONFLICT',
  UNKNOWN_ITEM: 'NOT_FOUND',
  NOT_FOR_SALE: 'CONFLICT',
  SOLD_OUT: 'CONFLICT',
  NOT_ENOUGH_STOCK: 'CONFLICT',
  TOTAL_TOO_LARGE: 'INVALID_INPUT',
} as const satisfies Record<Reason, ErrorCode>;
