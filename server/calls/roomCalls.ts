// What one room asks of another (through Colyseus' remoteRoomCall, which also reaches rooms of
// other processes): each call a method with typed arguments and result, declared once here and
// implemented by the room (`implements`), so a caller cannot name a method that does not exist or
// pass it the wrong thing. None of them is ever made inside a database transaction: money that
// crosses rooms travels as effects (the callee's inbox, written in the caller's commit), and the
// one debit that must come first, a crash stake, is taken before the table's transaction opens.
// A call made from inside one anyway is refused (`refuseInTransaction`), as sql.ts refuses a
// nested connection.
import { matchMaker } from '@colyseus/core';
import type { CurrencyId } from '../../shared/economy.ts';
import type { Identity } from '../auth/tokens.ts';
import { insideOpenTransaction } from '../store/sql.ts';
import type { Reply } from '../writers/replies.ts';

/** A crash stake the table asks the player's room to take into escrow. */
export type CrashStakeCall = { table: string; roundId: number; id: string; amount: number; currency: CurrencyId };
/** `currency`: a currency id, checked against the economy by the player's room (UNKNOWN_CURRENCY). */
export type GrantCall = { id: string; amount: number; currency: CurrencyId; reason: string };
/** A bounty field left out is the economy's default, as the board decides the task (server/domain/bounty.ts). */
export type TaskCreateCall = { id: string; adminId: string; title: string; bountyGold?: number; bountyXp?: number; bountyCurrency?: CurrencyId };
export type TaskCancelCall = { id: string; adminId: string; taskId: string };

export interface PlayerRoomCalls {
  /** Apply the effects owed to this player (bounties, payouts, refunds). */
  applyEffects(): Promise<void>;
  adminGrant(grant: GrantCall): Promise<Reply>;
  crashBet(bet: CrashStakeCall): Promise<Reply>;
  /** Close every client of this player; how many there were. */
  kick(reason: string): number;
}

export interface BoardRoomCalls {
  adminCreateTask(command: TaskCreateCall): Promise<Reply>;
  adminCancelTask(command: TaskCancelCall): Promise<Reply>;
}

/** The admin room: a publish an admin sends over HTTP (POST /economy, server/http/economyPublishRoute.ts),
 *  decided exactly as the same command sent in the room: validated, hashed, run through the admin
 *  writer (its idempotency record) and audited. `payload`: the command's fields with its id. */
export interface AdminRoomCalls {
  publishEconomy(identity: Identity, payload: Record<string, unknown>): Promise<Reply>;
}

/** Every shared room: asked before a second room for its table, board or writer is created. */
export interface SharedRoomCalls {
  serving(): boolean;
}

/** The arguments and the answer of a call. */
export type CallArgs<F> = F extends (...args: infer A) => unknown ? A : never;
export type CallResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** A programming error: a room call made while the calling code holds a database transaction open. */
export class RoomCallInTransaction extends Error {}

/**
 * Throws RoomCallInTransaction from inside an open transaction. The other room's work (its load,
 * its own commit, a remote process) would run while this transaction holds its connection and row
 * locks: in embedded mode (one connection) the callee waits for that connection forever, and
 * elsewhere the call's timeout outlives the locks' waiters.
 */
export function refuseInTransaction(what: string): void {
  if (insideOpenTransaction()) {
    throw new RoomCallInTransaction(`a call to another room (${what}) from inside an open database transaction: make it before the transaction opens (a decision's prepare) or after it commits (its apply)`);
  }
}

/** Calls `method` on the room `roomId`, wherever it runs; `timeoutMs` defaults to Colyseus' 2 s. */
export async function callRoom<C, M extends keyof C & string>(roomId: string, method: M, args: CallArgs<C[M]>, timeoutMs?: number): Promise<CallResult<C[M]>> {
  refuseInTransaction(method);
  // Colyseus types the method against its own Room class; the interfaces above are the contract.
  const call = matchMaker.remoteRoomCall as (roomId: string, method: string, args: unknown[], timeoutMs?: number) => Promise<unknown>;
  return (await call(roomId, method, args as unknown[], timeoutMs)) as CallResult<C[M]>;
}
