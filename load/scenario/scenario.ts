// What a scenario is: named roles, each run by some number of virtual users (VUs) until the
// deadline. A k6 bundle maps each role to a k6 scenario (`exec` = the role's name); the Node
// runner starts the same roles as concurrent async loops.
import { CloseCode, ErrorCode } from '../../shared/protocol.ts';
import type { Reason } from '../../shared/reasons.ts';
import type { OptionDefaults, ScenarioOptions } from './options.ts';
import { Metric, type LoadRuntime } from './runtime.ts';
import type { AnyCommandType, CommandFields, CommandResult } from '../../shared/registry.ts';
import { newId, signInGuest, type Reply, type RoomConnection, type Session } from './session.ts';

export type VuContext = {
  rt: LoadRuntime;
  options: ScenarioOptions;
  /** 1-based: within the role in the Node runner; k6's __VU (across roles) in k6. */
  vu: number;
  /** The admin session signed in once before the run, when ADMIN_PASSWORD was given. */
  admin: Session | undefined;
  /** Milliseconds (rt.now() clock) after which the VU winds down. */
  deadline: number;
};

export type Role = {
  name: string;
  vus(options: ScenarioOptions): number;
  run(ctx: VuContext): Promise<void>;
};

export type Scenario = {
  name: string;
  description: string;
  /** `required`: the scenario cannot run without ADMIN_PASSWORD (an admin creates the work). */
  admin: 'required' | 'optional';
  defaults: OptionDefaults;
  roles: Role[];
  /** Thresholds on what the scenario is for, on top of every scenario's (load/scenario/summary.ts). */
  thresholds?: Record<string, string[]>;
};

/** What a VU keeps across its commands: the budget (COMMANDS) and whether it should go on. */
export class VuBudget {
  readonly #ctx: VuContext;
  sent = 0;
  constructor(ctx: VuContext) {
    this.#ctx = ctx;
  }
  get running(): boolean {
    const { commandsPerVu } = this.#ctx.options;
    return this.#ctx.rt.now() < this.#ctx.deadline && (commandsPerVu === undefined || this.sent < commandsPerVu);
  }
}

const reported = new Set<string>();

/** Close codes after which a client must not simply join again. */
const FINAL_CLOSES: readonly number[] = [1000, CloseCode.KICKED, CloseCode.RATE_LIMITED];

/**
 * A room a VU stays in. When the server closes it with "join again" (4100: the room was replaced
 * by a newer writer, or the server is shutting down) or the connection drops, the next command
 * joins again first, as the protocol asks a client to.
 */
export class Seat {
  room: RoomConnection;
  readonly #ctx: VuContext;
  readonly #what: string;
  readonly #join: () => Promise<RoomConnection>;
  readonly #attach: ((room: RoomConnection) => void) | undefined;

  private constructor(ctx: VuContext, what: string, room: RoomConnection, join: () => Promise<RoomConnection>, attach?: (room: RoomConnection) => void) {
    this.#ctx = ctx;
    this.#what = what;
    this.room = room;
    this.#join = join;
    this.#attach = attach;
    attach?.(room);
  }

  /** Joins; undefined (and a setup failure booked) when the join fails. `attach` runs on every (re)join. */
  static async open(ctx: VuContext, what: string, join: () => Promise<RoomConnection>, attach?: (room: RoomConnection) => void): Promise<Seat | undefined> {
    try {
      const room = await join();
      ctx.rt.check(`${what} join`, true);
      return new Seat(ctx, what, room, join, attach);
    } catch (error) {
      setupFailure(ctx, `${what} join`, error);
      return undefined;
    }
  }

  /** True when the room can take a command, after joining again if the server asked for it. */
  async ready(): Promise<boolean> {
    if (!this.room.closed) return true;
    if (FINAL_CLOSES.includes(this.room.closeCode ?? 1000)) return false;
    let last: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        this.room = await this.#join();
        this.#attach?.(this.room);
        this.#ctx.rt.count(Metric.rejoins, { room: this.room.roomName });
        return true;
      } catch (error) {
        last = error;
        await this.#ctx.rt.sleep(250 * attempt);
      }
    }
    setupFailure(this.#ctx, `${this.#what} rejoin`, last);
    return false;
  }

  close(): void {
    this.room.close();
  }
}

const MAX_ATTEMPTS = 4;

/**
 * Sends one command and books its outcome: an ack counts as done; a nack the caller expects (a lost
 * race, an empty wallet), named by its code or, where a code covers several cases, by its reason
 * (docs/PROTOCOL.md "Refusal reasons"), as a refusal; a retryable nack (UNAVAILABLE,
 * RATE_LIMITED) is sent again with the same id after a pause, up to 4 attempts, as the protocol
 * intends (the server answers a retried id from its stored reply, never twice); anything else is
 * an error. The final outcome is also a check named after the command type (k6's `checks`), so
 * a run's checks say, per command, how many came back as the scenario expects. The connection
 * recorded each attempt's latency to its reply.
 */
export async function command<T extends AnyCommandType>(ctx: VuContext, budget: VuBudget | undefined, seat: Seat, type: T, fields: CommandFields<T>, expected: readonly (ErrorCode | Reason)[] = []): Promise<Reply<CommandResult<T>>> {
  if (budget) budget.sent += 1;
  const id = newId();
  const tags = { type };
  for (let attempt = 1; ; attempt++) {
    const reply: Reply<CommandResult<T>> = (await seat.ready())
      ? await seat.room.send(type, fields, id)
      : { nack: { id, code: ErrorCode.UNAVAILABLE, message: `the ${seat.room.roomName} room is closed (${seat.room.closeCode})`, retryable: false } };
    if ('ack' in reply) {
      ctx.rt.count(Metric.acks, tags);
      ctx.rt.rate(Metric.errors, false, tags);
      ctx.rt.check(commandCheck(type), true, tags);
      return reply;
    }
    if (expected.includes(reply.nack.code) || (reply.nack.reason !== undefined && expected.includes(reply.nack.reason))) {
      ctx.rt.count(Metric.refusals, { type, code: reply.nack.reason ?? reply.nack.code });
      ctx.rt.rate(Metric.errors, false, tags);
      ctx.rt.check(commandCheck(type), true, tags);
      return reply;
    }
    if (reply.nack.retryable && attempt < MAX_ATTEMPTS) {
      ctx.rt.count(Metric.retries, { type, code: reply.nack.code });
      await ctx.rt.sleep(100 * attempt);
      continue;
    }
    ctx.rt.rate(Metric.errors, true, tags);
    ctx.rt.check(commandCheck(type), false, tags);
    // One line per distinct failure, not one per command.
    const key = `${type} ${reply.nack.code}`;
    if (!reported.has(key)) {
      reported.add(key);
      ctx.rt.log(`${type} failed: ${reply.nack.code} ${reply.nack.message}`);
    }
    return reply;
  }
}

/** The check a command's outcome is booked under: one per command type. */
export const commandCheck = (type: string) => `${type} acked or refused as expected`;

/** Books a failure outside a command (a VU that gave up) as an error and a failed check, logged once per distinct message. */
export function failure(ctx: VuContext, what: string, error: unknown): void {
  ctx.rt.rate(Metric.errors, true, { type: what });
  ctx.rt.check(what, false);
  const message = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (!reported.has(message)) {
    reported.add(message);
    ctx.rt.log(message);
  }
}

/** A failure before a VU could work (sign-in, join, rejoin, no admin): also a setup error, which a threshold allows none of. */
export function setupFailure(ctx: VuContext, what: string, error: unknown): void {
  ctx.rt.count(Metric.setupErrors, { type: what });
  failure(ctx, what, error);
}

/**
 * A new guest for this VU; undefined (and a setup failure booked) when the sign-in fails. With the
 * run's admin session the admin signs it up: a server counts anonymous sign-ups per address, and a
 * load run's users all come from this one (docs/PROTOCOL.md, "Authentication (HTTP)").
 */
export async function guestSession(ctx: VuContext, displayName: string): Promise<Session | undefined> {
  try {
    const session = await signInGuest(ctx.rt, ctx.options.baseUrl, displayName, ctx.admin?.token);
    ctx.rt.check('guest sign-in', true);
    return session;
  } catch (error) {
    setupFailure(ctx, 'guest sign-in', error);
    return undefined;
  }
}

/** Waits the configured think time (none by default). */
export async function think(ctx: VuContext): Promise<void> {
  if (ctx.options.thinkMs > 0) await ctx.rt.sleep(ctx.options.thinkMs);
}

export { ErrorCode };
