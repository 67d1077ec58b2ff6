// The protocol as one typed registry: every command type to its fields (from its zod schema) and
// its ack result, every event type to its payload. Clients (the browser's command(), the load kit)
// infer result and payload types from here instead of naming them at each call. Types only: the
// imports below are erased, so the browser bundle does not pull zod in.
import type { z } from 'zod';
import type { AdminGrantResult, AdminKickResult, AdminSessionsRevokeResult, AdminTaskResult, AuditResult, adminCommands, CrashOpenResult, EconomyPublishResult, EconomyView, UserView } from './adminCommands.ts';
import type { boardCommands, TaskCompleteResult, TaskResult } from './boardCommands.ts';
import type { GameCommandSchemas, GameResults } from '../server/games/commands.ts';
import type { EventsSyncResult, FairRotateResult, playerCommands, ShopBuyResult, StreakClaimResult, WalletExchangeResult } from './commands.ts';
import type { CrashBetResult, CrashCashoutResult, crashCommands } from './crashCommands.ts';
import type { EventPayloads } from './events.ts';
import type { WireEvent } from './protocol.ts';

/** Every command schema of every room (`events.sync` is the same schema in three rooms), the
 *  installed games' (server/games/) included. */
type Schemas = typeof playerCommands & GameCommandSchemas & typeof boardCommands & typeof crashCommands & typeof adminCommands;

/** The result of each command's ack: the games' from their modules, the rest declared here. */
export type CommandResults = GameResults & {
  'streak.claim': StreakClaimResult;
  'shop.buy': ShopBuyResult;
  'wallet.exchange': WalletExchangeResult;
  'fair.rotate': FairRotateResult;
  'events.sync': EventsSyncResult;
  'task.accept': TaskResult;
  'task.complete': TaskCompleteResult;
  'task.abandon': TaskResult;
  'crash.bet': CrashBetResult;
  'crash.cashout': CrashCashoutResult;
  'admin.grant': AdminGrantResult;
  'admin.task.create': AdminTaskResult;
  'admin.task.cancel': AdminTaskResult;
  'admin.announce': { seq: number };
  'admin.user.get': UserView;
  'admin.audit': AuditResult;
  'admin.kick': AdminKickResult;
  'admin.sessions.revoke': AdminSessionsRevokeResult;
  'admin.crash.open': CrashOpenResult;
  'admin.economy.publish': EconomyPublishResult;
  'admin.economy.get': EconomyView;
};

/** Any command type of any room. */
export type AnyCommandType = keyof Schemas & keyof CommandResults;
/** What a client sends with a command besides its `id`, as the schema takes it (for a union of types, the union of their fields). */
export type CommandFields<T extends AnyCommandType> = T extends AnyCommandType ? Omit<z.input<Schemas[T]>, 'id'> : never;
/** What the ack of a command carries. */
export type CommandResult<T extends AnyCommandType> = CommandResults[T];

/** The payload of each event type (shared/events.ts). */
export type { EventPayloads };

/** A committed event, discriminated by `type`: `if (e.type === 'crash.round') e.data.phase`. */
export type TypedEvent = { [K in keyof EventPayloads]: WireEvent<EventPayloads[K]> & { type: K } }[keyof EventPayloads];

// The registry is complete: a command without a result type, or a result for no command, and an
// event type without a payload (or the reverse), do not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type RegistryIsComplete = [
  Same<keyof Schemas, keyof CommandResults>,
  Same<(typeof import('./events.ts').EventType)[keyof typeof import('./events.ts').EventType], keyof EventPayloads>,
] extends [true, true]
  ? true
  : never;
/** Fails to compile when the registry is incomplete (see above); checked by `npm run typecheck`. */
export const registryIsComplete: RegistryIsComplete = true;
