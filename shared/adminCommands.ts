// Commands of the `admin` room (docs/PROTOCOL.md), for admins only. A player who sends one anywhere gets
// FORBIDDEN; player commands sent here are unknown types.
import { z } from 'zod';
import { BOARD_NAME, taskId, type Task } from './boardCommands.ts';
import { commandId, currencyId, MAX_BET, wholeAmount } from './commands.ts';
import { CRASH_TABLE_NAME } from './crashCommands.ts';
import type { Economy, EconomyVersionInfo } from './economy.ts';

import { AdminCommandType } from './commandNames.ts';
import { controlCharacterMessage, isPlainText } from './plainText.ts';

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { AdminCommandType };

export const MAX_GRANT = 1_000_000_000;

const userId = z.string({ error: 'userId must be 1-64 characters of [A-Za-z0-9_-]' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'userId must be 1-64 characters of [A-Za-z0-9_-]' });
const text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be 1-${max} characters` })
    .refine(isPlainText, { error: controlCharacterMessage(field), abort: true })
    .trim()
    .min(1, { error: `${field} must be 1-${max} characters` })
    .max(max, { error: `${field} must be 1-${max} characters` });
const board = z.string({ error: 'board must be 1-32 characters of [a-z0-9-]' }).regex(BOARD_NAME, { error: 'board must be 1-32 characters of [a-z0-9-]' }).optional();
const grantAmount = z
  .number({ error: `amount must be a non-zero whole number between -${MAX_GRANT} and ${MAX_GRANT}` })
  .int({ error: `amount must be a non-zero whole number between -${MAX_GRANT} and ${MAX_GRANT}` })
  .min(-MAX_GRANT, { error: `amount must be a non-zero whole number between -${MAX_GRANT} and ${MAX_GRANT}` })
  .max(MAX_GRANT, { error: `amount must be a non-zero whole number between -${MAX_GRANT} and ${MAX_GRANT}` })
  .refine((n) => n !== 0, { error: `amount must be a non-zero whole number between -${MAX_GRANT} and ${MAX_GRANT}` });
const bountyXp = z
  .number({ error: 'bountyXp must be a whole number between 0 and 100000' })
  .int({ error: 'bountyXp must be a whole number between 0 and 100000' })
  .min(0, { error: 'bountyXp must be a whole number between 0 and 100000' })
  .max(100_000, { error: 'bountyXp must be a whole number between 0 and 100000' });

/** admin.kick's optional ban: no join until it ends (up to 30 days). */
export const MAX_BAN_SECONDS = 30 * 86_400;
const banSeconds = z
  .number({ error: `banSeconds must be a whole number between 1 and ${MAX_BAN_SECONDS}` })
  .int({ error: `banSeconds must be a whole number between 1 and ${MAX_BAN_SECONDS}` })
  .min(1, { error: `banSeconds must be a whole number between 1 and ${MAX_BAN_SECONDS}` })
  .max(MAX_BAN_SECONDS, { error: `banSeconds must be a whole number between 1 and ${MAX_BAN_SECONDS}` });

export const adminCommands = {
  [AdminCommandType.grant]: z.strictObject({ id: commandId, userId, amount: grantAmount, currency: currencyId('currency').optional(), reason: text('reason', 200) }),
  // A bounty field left out is the economy's default (rewards.bounty).
  [AdminCommandType.taskCreate]: z.strictObject({ id: commandId, board, title: text('title', 200), bountyGold: wholeAmount('bountyGold', MAX_BET).optional(), bountyXp: bountyXp.optional() }),
  [AdminCommandType.taskCancel]: z.strictObject({ id: commandId, board, taskId }),
  [AdminCommandType.announce]: z.strictObject({ id: commandId, text: text('text', 500) }),
  [AdminCommandType.userGet]: z.strictObject({ id: commandId, userId }),
  [AdminCommandType.audit]: z.strictObject({ id: commandId }),
  [AdminCommandType.kick]: z.strictObject({ id: commandId, userId, reason: text('reason', 200), banSeconds: banSeconds.optional() }),
  [AdminCommandType.sessionsRevoke]: z.strictObject({ id: commandId, userId, reason: text('reason', 200) }),
  [AdminCommandType.crashOpen]: z.strictObject({ id: commandId, table: z.string({ error: 'table must be 1-32 characters of [a-z0-9-]' }).regex(CRASH_TABLE_NAME, { error: 'table must be 1-32 characters of [a-z0-9-]' }) }),
  // The document is validated as a whole by the economy's own schema (server/economy/schema.ts),
  // which names every problem by its path; here it only has to be a JSON object.
  [AdminCommandType.economyPublish]: z.strictObject({
    id: commandId,
    economy: z.record(z.string(), z.unknown(), { error: 'economy must be the whole economy document, a JSON object (docs/ECONOMY.md)' }),
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
  }),
  [AdminCommandType.economyGet]: z.strictObject({ id: commandId }),
} as const;

type Schemas = typeof adminCommands;
export type AdminCommand = { [K in keyof Schemas]: { type: K } & z.infer<Schemas[K]> }[keyof Schemas];

/** `balance`: the player's balance in `currency` after the grant. */
export type AdminGrantResult = { balance: number; currency: string };
/** `bannedUntil` only when the kick carried banSeconds. */
export type AdminKickResult = { kicked: number; bannedUntil?: string };
export type AdminSessionsRevokeResult = { userId: string; generation: number; kicked: number };
export type AdminTaskResult = { task: Task };
/** An account whose balance in `currency` is not the sum of its transfers in it. */
export type AuditMismatch = { account: string; currency: string; balance: number; fromTransfers: number };
/** One currency's figures: the sum of every account's balance (0 when the ledger holds), what the
 *  mint made and took back, and what players hold. */
export type CurrencyAudit = { sumOfBalances: number; minted: number; burned: number; circulating: number };
/**
 * The ledger audit, per currency. The top-level `sumOfBalances`, `minted`, `burned` and
 * `circulating` are gold's (protocol 1); `currencies` has every currency the ledger holds.
 * `negativePlayers`: players below zero in any currency; `misfiled`: balance rows filed under
 * another kind than their account's (or with no account).
 */
export type AuditResult = {
  ok: boolean;
  accounts: number;
  sumOfBalances: number;
  minted: number;
  burned: number;
  circulating: number;
  currencies: Record<string, CurrencyAudit>;
  negativePlayers: string[];
  mismatches: AuditMismatch[];
  misfiled: Array<{ account: string; currency: string }>;
};
/** `economyVersion`: the economy version the transfer was decided under (null before versions, or
 *  for a move between system accounts). */
export type TransferView = { id: number; from: string; to: string; amount: number; currency: string; reason: string; ref: string | null; economyVersion: number | null; at: string };
/** `opened`: false when the table existed already (its chain is kept). */
export type CrashOpenResult = { table: string; opened: boolean };
/** admin.economy.publish: the version stored, or, for a dry run, that the document is valid (nothing stored). */
export type EconomyPublishResult = { version: number } | { valid: true };
/** admin.economy.get: the version in force, its document, and every version newest first. */
export type EconomyView = { version: number; economy: Economy; versions: EconomyVersionInfo[] };
/** `balance` is gold's; `wallet` every currency the player has held. */
export type UserView = { userId: string; displayName: string; balance: number; wallet: Record<string, number>; xp: number; level: number; stats: Record<string, unknown>; inventory: Record<string, number>; ledger: TransferView[] };
