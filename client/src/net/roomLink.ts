// One Colyseus room kept joined for as long as the player is signed in: joins with backoff, joins
// again after any drop (a fresh join: the server keeps no seat we rely on), resends waiting
// commands with their ids, and keeps the room's event stream gapless and free of duplicates.
// The room's state is exposed as a plain snapshot signal, replaced on every patch.
import { Client, type Room } from '@colyseus/sdk';
import { signal } from '@preact/signals';
import { CommandType } from '../../../shared/commandNames.ts';
import { CloseCode, PROTOCOL_VERSION, ServerMessage, type Ack, type Nack } from '../../../shared/protocol.ts';
import type { AnyCommandType, CommandFields, CommandResult, TypedEvent } from '../../../shared/registry.ts';
import { PendingCommands } from './pendingCommands.ts';
import type { StreamCursors } from './streamCursors.ts';

export type LinkStatus = 'connecting' | 'online' | 'offline' | 'closed';

type StateClass = new () => { toJSON(): unknown };

export type RoomLinkOptions<Snapshot> = {
  baseUrl: string;
  token: string;
  roomName: string;
  joinOptions?: Record<string, unknown>;
  stateClass: StateClass;
  /** The stream this room writes, read from its state; null when the room offers no events.sync. */
  syncStream: (state: Snapshot) => string | null;
  cursors: StreamCursors;
  onEvent: (event: TypedEvent) => void;
};

/** Join refusals that another try will not fix (docs/PROTOCOL.md "Join refusals", JoinErrorCode). */
const FINAL_JOIN_CODES = new Set([400, 401, 403, 426, 501]);
const MAX_BACKOFF_MS = 5000;

export function backoffMs(attempt: number): number {
  return Math.min(250 * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
}

/** A command's fields as an argument: optional when the command has none that are required. */
export type FieldsArgument<T extends AnyCommandType> = {} extends CommandFields<T> ? [fields?: CommandFields<T>] : [fields: CommandFields<T>];

/** What a screen needs to send commands, whatever the room's state type; the result type comes from shared/registry.ts. */
export type CommandSender = { command<T extends AnyCommandType>(type: T, ...fields: FieldsArgument<T>): Promise<CommandResult<T>> };

/** A link's connection, whatever the room's state type (the banner, the header, sign-out). */
export type LinkHealth = Pick<RoomLink<unknown>, 'status' | 'attempt' | 'problem' | 'close' | 'dropSocket'>;

export class RoomLink<Snapshot> {
  readonly status = signal<LinkStatus>('connecting');
  readonly state = signal<Snapshot | null>(null);
  /** Join attempts since the link was last online (shown in the offline banner). */
  readonly attempt = signal(0);
  /** Why the link closed for good (kicked, refused), as the server said it. */
  readonly problem = signal('');
  readonly inFlight = signal(0);

  readonly #options: RoomLinkOptions<Snapshot>;
  readonly #client: Client;
  readonly #commands: PendingCommands;
  #room: Room | undefined;
  #ready = false;
  #closed = false;
  #syncing = false;
  #syncAgain = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: RoomLinkOptions<Snapshot>) {
    this.#options = options;
    this.#client = new Client(options.baseUrl);
    this.#client.auth.token = options.token;
    this.#commands = new PendingCommands(
      (type, payload) => {
        if (!this.#room || !this.#ready) return false;
        this.#room.send(type, payload);
        return true;
      },
      (count) => (this.inFlight.value = count),
    );
    void this.#join();
  }

  /** Sends a command; resolves with the ack's result, rejects with a CommandError (the nack). */
  command<T extends AnyCommandType>(type: T, ...[fields]: FieldsArgument<T>): Promise<CommandResult<T>> {
    return this.#commands.send<CommandResult<T>>(type, (fields ?? {}) as Record<string, unknown>);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.status.value = 'closed';
    this.#commands.failAll('signed out');
    void this.#room?.leave(true).catch(() => undefined);
    this.#room = undefined;
  }

  /** Test and debugging aid: drops the socket as a network failure would (no consent). */
  dropSocket(): void {
    this.#room?.connection.close(4999, 'dropped by the client');
  }

  async #join(): Promise<void> {
    if (this.#closed) return;
    const { roomName, joinOptions, stateClass } = this.#options;
    try {
      const room = await this.#client.joinOrCreate(roomName, { protocol: PROTOCOL_VERSION, ...joinOptions }, stateClass as never);
      if (this.#closed) {
        void room.leave(true).catch(() => undefined);
        return;
      }
      this.#attach(room);
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code !== undefined && FINAL_JOIN_CODES.has(code)) {
        this.#closeWith((error as Error).message);
        return;
      }
      this.#retryLater();
    }
  }

  #retryLater(): void {
    if (this.#closed) return;
    this.attempt.value += 1;
    if (this.status.value === 'online') this.status.value = 'offline';
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#join(), backoffMs(this.attempt.value));
  }

  #attach(room: Room): void {
    this.#room = room;
    this.#ready = false;
    // Our own rejoin replaces the SDK's: it also covers a server restart, where the old seat is gone.
    room.reconnection.enabled = false;
    room.onMessage(ServerMessage.ack, (ack: Ack) => this.#commands.ack(ack));
    room.onMessage(ServerMessage.nack, (nack: Nack) => this.#commands.nack(nack));
    room.onMessage(ServerMessage.event, (event: TypedEvent) => this.#receive(event, false));
    room.onStateChange((state: { toJSON(): unknown }) => {
      const snapshot = state.toJSON() as Snapshot;
      this.state.value = snapshot;
      if (!this.#ready) this.#becomeReady(snapshot);
    });
    room.onLeave((code: number, reason?: string) => {
      if (room !== this.#room || this.#closed) return;
      this.#room = undefined;
      this.#ready = false;
      if (code === CloseCode.KICKED) {
        this.#closeWith(`An admin removed you from the server: ${reason || 'no reason given'}`);
        return;
      }
      this.status.value = 'offline';
      this.#retryLater();
    });
  }

  #becomeReady(snapshot: Snapshot): void {
    this.#ready = true;
    this.attempt.value = 0;
    this.status.value = 'online';
    const stream = this.#options.syncStream(snapshot);
    const head = (snapshot as { seq?: number }).seq ?? 0;
    if (stream && this.#options.cursors.last(stream) === undefined) this.#options.cursors.startAt(stream, head);
    this.#commands.resendAll();
    // After every (re)join: catch up on what happened while we were away.
    if (stream) void this.#sync(stream);
  }

  #closeWith(problem: string): void {
    this.problem.value = problem;
    this.close();
  }

  #receive(event: TypedEvent, fromSync: boolean): void {
    const stream = this.state.value ? this.#options.syncStream(this.state.value) : null;
    const verdict = this.#options.cursors.judge(event, !fromSync && event.stream === stream);
    if (verdict === 'apply') this.#options.onEvent(event);
    else if (verdict === 'gap' && stream) void this.#sync(stream);
  }

  async #sync(stream: string): Promise<void> {
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = true;
    try {
      do {
        this.#syncAgain = false;
        const afterSeq = this.#options.cursors.last(stream) ?? 0;
        const result = await this.command(CommandType.eventsSync, { afterSeq });
        if ('snapshot' in result) {
          this.#options.cursors.skipTo(stream, result.seq);
        } else {
          for (const event of result.events) this.#receive(event, true);
          // At most 500 events per answer: ask again until the head is reached.
          if (result.events.length > 0 && (this.#options.cursors.last(stream) ?? 0) < result.seq) this.#syncAgain = true;
        }
      } while (this.#syncAgain && !this.#closed);
    } catch {
      // The next reconnect syncs again; events already applied stay deduplicated by seq.
    } finally {
      this.#syncing = false;
    }
  }
}
