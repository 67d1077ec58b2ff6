// Commands of the `crash` room (docs/PROTOCOL.md): one table per name, default `main`.
import { z } from 'zod';
import type { CurrencyId } from './economy.ts';
import { commandId, currencyId, eventsSync, MAX_BET, wholeAmount } from './commands.ts';

import { CrashCommandType, DEFAULT_CRASH_TABLE } from './commandNames.ts';

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { CrashCommandType, DEFAULT_CRASH_TABLE };
export const CRASH_TABLE_NAME = /^[a-z0-9-]{1,32}$/;

export const crashCommands = {
  /** `currency`: the bet's (default gold); the stake, the payout and a refund are in it. */
  [CrashCommandType.bet]: z.strictObject({ id: commandId, amount: wholeAmount('amount', MAX_BET), currency: currencyId('currency').optional() }),
  [CrashCommandType.cashout]: z.strictObject({ id: commandId }),
  [CrashCommandType.eventsSync]: eventsSync,
} as const;

export type CrashCommand =
  | ({ type: typeof CrashCommandType.bet } & z.infer<(typeof crashCommands)['crash.bet']>)
  | ({ type: typeof CrashCommandType.cashout } & z.infer<(typeof crashCommands)['crash.cashout']>)
  | ({ type: typeof CrashCommandType.eventsSync } & z.infer<typeof eventsSync>);

/** `balance`: the player's balance in the bet's `currency` after the stake. */
export type CrashBetResult = { roundId: number; amount: number; currency: CurrencyId; balance: number };
/** `payout` is in the bet's `currency`. */
export type CrashCashoutResult = { roundId: number; multiplier: number; payout: number; currency: CurrencyId };
/** A finished round as history shows it: the revealed hash proves the crash point. */
export type CrashHistoryEntry = { roundId: number; crashPoint: number; hash: string; commitment: string };
