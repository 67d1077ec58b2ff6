// Commands of the `crash` room (docs/PROTOCOL.md): one table per name, default `main`.
import { z } from 'zod';
import { commandId, eventsSync, MAX_BET, wholeAmount } from './commands.ts';

import { CrashCommandType, DEFAULT_CRASH_TABLE } from './commandNames.ts';

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { CrashCommandType, DEFAULT_CRASH_TABLE };
export const CRASH_TABLE_NAME = /^[a-z0-9-]{1,32}$/;

export const crashCommands = {
  [CrashCommandType.bet]: z.strictObject({ id: commandId, amount: wholeAmount('amount', MAX_BET) }),
  [CrashCommandType.cashout]: z.strictObject({ id: commandId }),
  [CrashCommandType.eventsSync]: eventsSync,
} as const;

export type CrashCommand =
  | ({ type: typeof CrashCommandType.bet } & z.infer<(typeof crashCommands)['crash.bet']>)
  | ({ type: typeof CrashCommandType.cashout } & z.infer<(typeof crashCommands)['crash.cashout']>)
  | ({ type: typeof CrashCommandType.eventsSync } & z.infer<typeof eventsSync>);

export type CrashBetResult = { roundId: number; amount: number; balance: number };
export type CrashCashoutResult = { roundId: number; multiplier: number; payout: number };
/** A finished round as history shows it: the revealed hash proves the crash point. */
export type CrashHistoryEntry = { roundId: number; crashPoint: number; hash: string; commitment: string };
