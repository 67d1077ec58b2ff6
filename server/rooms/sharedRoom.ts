// The recipe every shared room (a crash table, a board, the admin room) follows, written once. A
// room is a class extending SharedRoom with a static `spec` (its kind, commands, name, writer and
// stream, who may sit in it) and three parts of its own: how it loads (`load`, `open`, `reload`),
// how it decides (`decide`, a command already validated, budgeted and hashed, run through
// `this.writer`) and how it shows (the Colyseus state, set in those and in the writer's `apply`).
// Here, in order: the join (protocol, token, the room's name by its pattern and existence, the
// room's seat rule); creating it (refuseIfServed: never a second room for a served name, INV-9);
// its fence taken, then its head and its own state read, a storage failure refusing the join
// UNAVAILABLE; its fenced SerialWriter; the command prologue (validate, events.sync, admins
// refused where they have no wallet, the payload hash); the broadcast of what committed.
// Colyseus makes a room with no arguments and calls onAuth unbound, so a room reaches its deps
// through bindSharedRoom, which gives Colyseus a subclass holding them.
import type { Room } from '@colyseus/core';
import type { z } from 'zod';
import { CommandType } from '../../shared/commandNames.ts';
import { ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import type { Identity } from '../auth/tokens.ts';
import type { Orm } from '../store/orm.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { adminAccountBudget } from '../policies/commandBudgets.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from '../writers/payloadHash.ts';
import { deliverEffects } from '../calls/playerRooms.ts';
import { failureReply, nack, type Reply } from '../writers/replies.ts';
import { CofferRoom, type AdapterDeps, type RoomKind } from './roomAdapter.ts';
import type { SharedRoomCalls } from '../calls/roomCalls.ts';
import type { SeatChecks, SeatRule } from './seatCheck.ts';
import { SerialWriter, type SerialDeps } from '../writers/serialWriter.ts';
import type { SharedNames } from '../calls/sharedNames.ts';
import { refuseIfServed } from '../calls/sharedRooms.ts';
import { RoomAccounts, type UserLimits } from '../policies/userLimits.ts';
import { validateCommand, type CommandOf } from '../writers/validateCommand.ts';

export type SharedRoomDeps = SerialDeps & AdapterDeps & SeatChecks & { userLimits: Pick<UserLimits, 'config'>; orm: Orm; names: SharedNames };

type Schemas = Record<string, z.ZodType<{ id: string }>>;

/** A command a room decides: every one of its commands but events.sync, which the recipe answers. */
export type RoomCommand<C extends Schemas> = Exclude<CommandOf<C>, { type: typeof CommandType.eventsSync }>;

export type SharedRoomSpec<D, C extends Schemas> = {
  /** Its name in the matchmaker (shared/protocol.ts RoomName). */
  kind: Exclude<RoomKind, 'player'>;
  commands: C;
  /** For a kind with many rooms (tables, boards): the join option naming one (its filterBy), its
   *  default, its pattern (1-32 characters of [a-z0-9-], as the refusal says) and the check that it exists. */
  named?: { option: string; fallback: string; pattern: RegExp; what: string; exists(deps: D, name: string): Promise<void> };
  /** The stream the room writes, for its name; its fenced writer's id is the stream's unless `writer` names one. */
  stream(name: string): string;
  writer?: string;
  /** Who may take a seat, at the join and at every seat (seatCheck.ts). */
  seatRule?: SeatRule;
  /** Admins have no wallet: their commands are refused FORBIDDEN with this message. */
  refuseAdmins?: string;
  /** An admin's per-account budget (ADMIN_RATE_FACTOR times a player's) instead of a player's. */
  adminBudget?: boolean;
};

export abstract class SharedRoom<S extends { seq: number }, D extends SharedRoomDeps, C extends Schemas, L = void> extends CofferRoom<S> implements SharedRoomCalls {
  protected readonly adapterDeps: D;
  protected readonly deps: D;
  /** The table's or board's name; '' for a kind with one room (admin). */
  protected name = '';
  /** Made once the room loaded (before `open`). */
  protected writer!: SerialWriter;
  readonly #spec: SharedRoomSpec<D, C>;

  constructor(deps: D) {
    super();
    this.deps = deps;
    this.adapterDeps = deps;
    this.#spec = (this.constructor as unknown as { spec: SharedRoomSpec<D, C> }).spec;
  }

  /** The room's stored state, read once its fence is taken (in parallel with the stream's head). */
  protected abstract load(): Promise<L>;
  /** The loaded state in memory and on show; a throw refuses the join, and the room is released. */
  protected open(_loaded: L): void | Promise<void> {}
  /** Serving: what runs on its own starts (a crash table's rounds). */
  protected started(_loaded: L): void {}
  /** After a commit whose outcome is unknown: memory as stored again (the head is read here). */
  protected async reload(): Promise<void> {
    await this.open(await this.load());
  }
  /** A command of this room, run through `this.writer` or answered at once. */
  protected abstract decide(command: RoomCommand<C>, identity: Identity, hash: string): Promise<Reply>;
  /** Every reply this room gave, after it is decided (the admin room audits them). */
  protected answered(_identity: Identity, _type: string, _payload: unknown, _reply: Reply): void {}
  /** Events committed and broadcast to this room's clients (the admin room delivers them further). */
  protected published(_events: WireEvent[]): void {}

  /** After a commit owing `userId` effects (a bounty, a payout): their room applies them now, or the sweeper later. */
  protected deliver(userId: string, what: string): void {
    void deliverEffects(userId, (error) => this.deps.logger.warn({ userId, err: error }, `${what} delivery failed; the sweeper will retry`));
  }

  protected seatRule(identity: Identity): void {
    this.#spec.seatRule?.(identity);
  }

  protected release(): void {
    this.writer?.dispose();
  }

  async onCreate(options: Record<string, unknown>): Promise<void> {
    const spec = this.#spec;
    const named = spec.named;
    this.name = named ? ((options[named.option] as string | undefined) ?? named.fallback) : '';
    const stream = spec.stream(this.name);
    const writer = spec.writer ?? stream;
    await refuseIfServed(spec.kind, named ? { [named.option]: this.name } : {}, this.roomId, named ? `${named.what} ${this.name}` : `the ${spec.kind} room`);
    const [epoch, seq, loaded] = await this.#load(writer, stream).catch((error: unknown) => {
      this.deps.logger.warn({ ...(named ? { [named.option]: this.name } : {}), err: error }, `${spec.kind} room could not load`);
      throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
    });
    this.writer = new SerialWriter(this.deps, writer, stream, epoch, seq, {
      committed: (events) => this.#publish(events),
      fenced: () => this.handOver('fence taken'),
      reload: () => this.#reload(stream),
    });
    this.state.seq = seq;
    try {
      await this.open(loaded);
    } catch (error) {
      // This room is never created: nothing of it may stay behind (its writer's fence watch).
      this.release();
      throw error;
    }
    const budget = spec.adminBudget ? adminAccountBudget(this.deps.userLimits.config) : this.deps.userLimits.config;
    this.serve({ kind: spec.kind, commands: spec.commands, accounts: new RoomAccounts(budget, this.deps.clock), handle: (client, type, payload) => this.#handle(client.auth as Identity, type, payload) });
    this.started(loaded);
  }

  /** The fence first: nothing an older room of the name commits after that is missed. */
  async #load(writer: string, stream: string): Promise<[number, number, L]> {
    const epoch = await takeRoomFence(this.deps.sql, writer);
    const [seq, loaded] = await Promise.all([headSeq(this.deps.sql, stream), this.load()]);
    return [epoch, seq, loaded];
  }

  async #reload(stream: string): Promise<number> {
    const [seq] = await Promise.all([headSeq(this.deps.sql, stream), this.reload()]);
    this.state.seq = seq;
    return seq;
  }

  /** A command that came by a room call instead of a client's message (the admin room's HTTP
   *  publish): the same prologue, decision and `answered`, for an identity already checked. */
  protected async answerCall(identity: Identity, type: string, payload: unknown): Promise<Reply> {
    try {
      this.seatRule(identity);
    } catch (error) {
      // Not a join here: the seat rule's refusal becomes the command's.
      const id = (payload as { id?: unknown } | null)?.id;
      return nack(typeof id === 'string' ? id : null, 'FORBIDDEN', (error as Error).message);
    }
    return this.#handle(identity, type, payload);
  }

  async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
    const reply = await this.#answer(identity, type, payload);
    this.answered(identity, type, payload, reply);
    return reply;
  }

  async #answer(identity: Identity, type: string, payload: unknown): Promise<Reply> {
    const validated = validateCommand(this.#spec.commands, type, payload);
    if ('nack' in validated) return validated;
    const command = validated.command;
    if (isSync(command)) return this.syncStream(command.id, this.writer.stream, command.afterSeq, this.writer.seq);
    if (identity.role === 'admin' && this.#spec.refuseAdmins) return nack(command.id, 'FORBIDDEN', this.#spec.refuseAdmins);
    try {
      // Not events.sync: answered above.
      return await this.decide(command as RoomCommand<C>, identity, payloadHash(type, payload as Record<string, unknown>));
    } catch (error) {
      return failureReply(command.id, error, this.deps.logger, { roomId: this.roomId, userId: identity.userId, type });
    }
  }

  #publish(events: WireEvent[]): void {
    this.state.seq = this.writer.seq;
    for (const event of events) this.broadcast(ServerMessage.event, event);
    this.published(events);
  }
}

function isSync(command: { type: string }): command is { type: typeof CommandType.eventsSync; id: string; afterSeq: number } {
  return command.type === CommandType.eventsSync;
}

/** A shared room's class as bindSharedRoom takes it (Colyseus' Room: a SharedRoom's own type would be abstract). */
export type SharedRoomClass<D extends SharedRoomDeps> = (new (deps: D) => Room) & { spec: SharedRoomSpec<D, Schemas> };

/** Who may join: the protocol version, the token, the room's seat rule, its name (pattern, existence). */
async function join<D extends SharedRoomDeps>(spec: SharedRoomSpec<D, Schemas>, deps: D, token: string | undefined, options: Record<string, unknown>): Promise<Identity> {
  checkProtocol(options);
  const identity = await authenticate(deps.tokens, token);
  spec.seatRule?.(identity);
  const named = spec.named;
  if (!named) return identity;
  options[named.option] ??= named.fallback;
  const name = options[named.option];
  if (typeof name !== 'string' || !named.pattern.test(name)) throw refuse('INVALID_INPUT', `${named.option} must be 1-32 characters of [a-z0-9-]`);
  await named.exists(deps, name);
  return identity;
}

/** The class Colyseus gets for `Room`: made with `deps`, joined by the spec's rules, named as `Room` (logs, stack traces). */
export function bindSharedRoom<D extends SharedRoomDeps>(Room: SharedRoomClass<D>, deps: D) {
  const Bound = class extends Room {
    static onAuth = (token: string | undefined, options: Record<string, unknown>) => join(Room.spec, deps, token, options);
    constructor() {
      super(deps);
    }
  };
  return Object.defineProperty(Bound, 'name', { value: Room.name });
}
