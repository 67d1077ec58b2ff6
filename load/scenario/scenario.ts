// What a scenario is: named roles, each run by some number of virtual users (VUs) until the
// deadline. A k6 bundle maps each role to a k6 scenario (`exec` = the role's name); the Node
// runner starts the same roles as concurrent async loops.
import { ErrorCode } from '../../shared/protocol.ts';
import type { OptionDefaults, ScenarioOptions } from './options.ts';
import { Metric, type LoadRuntime } from './runtime.ts';
import type { Reply, RoomConnection, Session } from './session.ts';

export type VuContext = {
  rt: LoadRuntime;
  options: ScenarioOptions;
  /** 1-based, within the role. */
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

/**
 * Sends one command and books its outcome: an ack counts as done; a nack whose code the caller
 * expects (a lost race, an empty wallet) as a refusal; anything else as an error. Either way the
 * latency to the reply was recorded by the connection.
 */
export async function command(ctx: VuContext, budget: VuBudget | undefined, room: RoomConnection, type: string, fields: Record<string, unknown>, expected: readonly ErrorCode[] = []): Promise<Reply> {
  if (budget) budget.sent += 1;
  const reply = await room.send(type, fields);
  const tags = { type };
  if ('ack' in reply) {
    ctx.rt.count(Metric.acks, tags);
    ctx.rt.rate(Metric.errors, false, tags);
  } else if (expected.includes(reply.nack.code)) {
    ctx.rt.count(Metric.refusals, { type, code: reply.nack.code });
    ctx.rt.rate(Metric.errors, false, tags);
  } else {
    ctx.rt.rate(Metric.errors, true, tags);
    // One line per distinct failure, not one per command.
    const key = `${type} ${reply.nack.code}`;
    if (!reported.has(key)) {
      reported.add(key);
      ctx.rt.log(`${type} failed: ${reply.nack.code} ${reply.nack.message}`);
    }
  }
  return reply;
}

/** Books a failure outside a command (sign-in, join) and logs it once per distinct message. */
export function failure(ctx: VuContext, what: string, error: unknown): void {
  ctx.rt.rate(Metric.errors, true, { type: what });
  const message = `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (!reported.has(message)) {
    reported.add(message);
    ctx.rt.log(message);
  }
}

/** Waits the configured think time (none by default). */
export async function think(ctx: VuContext): Promise<void> {
  if (ctx.options.thinkMs > 0) await ctx.rt.sleep(ctx.options.thinkMs);
}

export { ErrorCode };
