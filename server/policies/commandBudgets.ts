// The budgets every message to a room must fit before its handler runs (docs/PROTOCOL.md
// "Limits"), cheapest first, each O(1): its socket's (RATE_LIMIT_PER_SECOND), its account's (the
// player room's per-process budgets through the room's `admit`, a shared room's per room instance
// through `accounts`: userLimits.ts), its address' across all accounts (addressLimits.ts; admins
// are not counted, so an operator behind the same NAT as a flood can still act), and for
// events.sync the account's reply bytes. Per-socket budgets alone let one account flood a crash
// table from many sockets, and per-account ones let many accounts of one address do it.
import type { Client } from '@colyseus/core';
import { CommandType } from '../../shared/commandNames.ts';
import type { Clock } from '../domain/clock.ts';
import { addressOfClient } from '../transport.ts';
import type { AddressLimits } from './addressLimits.ts';
import { RateLimiter, type RateVerdict } from './rateLimiter.ts';
import type { Reply } from '../writers/replies.ts';
import type { AccountBudget, AccountBudgetConfig, RoomAccounts } from './userLimits.ts';

/** What the budgets read of the room a message came to (the adapter's `Serving`, server/rooms/roomAdapter.ts). */
export type Serving = {
  kind: string;
  admit?(client: Client, type: string, socket: RateVerdict): string | 'close' | undefined;
  accounts?: RoomAccounts;
};

export type BudgetDeps = { clock: Clock; rateLimitPerSecond: number; addressLimits: AddressLimits };

/** Undefined (go on), a RATE_LIMITED message, or 'close' (4x a socket's or an account's budget). */
export type BudgetVerdict = string | 'close' | undefined;

/**
 * An admin socket's budget, in multiples of RATE_LIMIT_PER_SECOND: an operator's script granting
 * in bulk is not a flood, but the admin room is not unlimited either (it had no limit at all).
 */
export const ADMIN_RATE_FACTOR = 10;

/** An admin's budget in the admin room: ADMIN_RATE_FACTOR times a player's, like its sockets' (a bulk script is not a flood). */
export function adminAccountBudget(config: AccountBudgetConfig): AccountBudgetConfig {
  return { commandsPerSecond: config.commandsPerSecond * ADMIN_RATE_FACTOR, syncBytesPerSecond: config.syncBytesPerSecond * ADMIN_RATE_FACTOR };
}

/** What is kept per socket: its own budget, its account, its address. */
type SocketBudget = { perSecond: number; limiter: RateLimiter; userId: string | undefined; address: string | undefined };

/** events.sync: the same type in every room (shared/commandNames.ts). */
const SYNC: string = CommandType.eventsSync;

/** About the size of an events.sync reply on the wire (JSON is close to msgpack for these events). */
export function replyBytes(result: unknown): number {
  return JSON.stringify(result)?.length ?? 0;
}

/** One room's view of the budgets: its sockets' own, and the account and address budgets it shares. */
export class CommandBudgets {
  readonly #deps: BudgetDeps;
  readonly #sockets = new WeakMap<Client, SocketBudget>();

  constructor(deps: BudgetDeps) {
    this.#deps = deps;
  }

  admit(serving: Serving, client: Client, type: string): BudgetVerdict {
    const socket = this.#socket(serving, client);
    const own = socket.limiter.take();
    let account: AccountBudget | undefined;
    if (serving.admit) {
      const verdict = serving.admit(client, type, own);
      if (verdict !== undefined) return verdict;
    } else {
      if (own === 'close') return 'close';
      if (own === 'limited') return `more than ${socket.perSecond} messages in one second; slow down`;
      // Looked up each time, not kept: the room forgets an idle account's budget, and a socket
      // holding a forgotten one would give its account a second budget.
      account = socket.userId !== undefined ? serving.accounts?.of(socket.userId) : undefined;
      const verdict = account?.take() ?? 'ok';
      if (verdict === 'close') return 'close';
      if (verdict === 'limited') return `more than ${serving.accounts!.config.commandsPerSecond} commands in one second from this account (all its sockets in this room); slow down`;
    }
    const addresses = this.#deps.addressLimits;
    if (socket.address !== undefined && !addresses.take(socket.address)) return `more than ${addresses.perSecond} commands in one second from this address (all its accounts); slow down`;
    if (type === SYNC && account && !account.syncAllowed()) return `events.sync replies are limited to ${serving.accounts!.config.syncBytesPerSecond} bytes per second per account in this room; sync again shortly`;
    return undefined;
  }

  /** After a reply went out: an events.sync ack's bytes count against the account in this room. */
  charge(serving: Serving, client: Client, type: string, reply: Reply): void {
    if (type !== SYNC || !('ack' in reply) || !serving.accounts) return;
    const userId = this.#sockets.get(client)?.userId;
    if (userId !== undefined) serving.accounts.of(userId).chargeSync(replyBytes(reply.ack.result));
  }

  /** Made on first use: a reconnected client is a new object that never passed onJoin. */
  #socket(serving: Serving, client: Client): SocketBudget {
    let socket = this.#sockets.get(client);
    if (socket) return socket;
    const identity = client.auth as { userId?: string; role?: string } | undefined;
    const perSecond = serving.kind === 'admin' ? this.#deps.rateLimitPerSecond * ADMIN_RATE_FACTOR : this.#deps.rateLimitPerSecond;
    socket = {
      perSecond,
      limiter: new RateLimiter(perSecond, this.#deps.clock),
      userId: identity?.userId,
      address: identity?.role === 'admin' ? undefined : addressOfClient(client),
    };
    this.#sockets.set(client, socket);
    return socket;
  }
}
