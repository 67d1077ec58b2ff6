// The one Colyseus adapter every Coffer room extends: what is not a room's own rules.
// Each message must fit its budgets (commandBudgets.ts: socket, account, address), an `admin.*`
// command outside the admin room is refused, the room's handler asked for a reply, the reply sent and counted (coffer_commands_total by type
// and outcome, coffer_command_seconds); `events.sync` reads a stream up to the room's committed
// head; a room that lost its fence (or gave its work up) stops and sends its clients to a newer
// room, once; a shut-down server's rooms do the same; a dropped client may come back for 20 s.
// Joining (protocol version, token, the room's own rule) is the static onAuth of each room, which
// calls joinAuth.ts; every seat the room then fills, a join's or a reconnection's, passes
// seatCheck.ts before Colyseus seats the socket.
import { ClientState, Room, type AuthContext, type Client, type ClientPrivate } from '@colyseus/core';
import { CloseCode, ServerMessage, type RoomName } from '../../shared/protocol.ts';
import type { Clock } from '../domain/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Sql } from '../store/sql.ts';
import type { LimitFunction } from 'p-limit';
import { syncReply } from '../writers/streamSync.ts';
import { sqlStreams } from '../store/writerStore.ts';
import { forbiddenAdminCommand } from '../writers/playerWriter.ts';
import type { RateVerdict } from '../policies/rateLimiter.ts';
import type { AddressLimits } from '../policies/addressLimits.ts';
import type { RoomAccounts } from '../policies/userLimits.ts';
import { CommandBudgets } from '../policies/commandBudgets.ts';
import { refuse } from './joinAuth.ts';
import { admitSeat, giveUpKeptSeats, seatBeingTaken, type ColyseusSeats, type SeatChecks } from './seatCheck.ts';
import type { Identity } from '../auth/tokens.ts';
import { failureReply, nack, type Reply } from '../writers/replies.ts';
import { SendQueue } from './sendQueue.ts';
import { SHARED_ROOM_ENCODE_BYTES, sizeRoomEncodeBuffers } from '../roomEncodeBuffers.ts';
import { shareHandshake } from '../roomHandshakes.ts';

export type AdapterDeps = { sql: Sql; metrics: Metrics; clock: Clock; logger: Logger; rateLimitPerSecond: number; syncReads: LimitFunction; addressLimits: AddressLimits };
/** A room's kind is its name in the matchmaker (shared/protocol.ts RoomName). */
export type RoomKind = RoomName;

export type Serving = {
  kind: RoomKind;
  /** The room's command table: its keys bound the metric's type label. */
  commands: Readonly<Record<string, unknown>>;
  handle(client: Client, type: string, payload: unknown): Promise<Reply>;
  /**
   * The room's own budget on top of the socket's (the player room's per-account limits): the
   * socket's verdict in, and out: go on (undefined), a RATE_LIMITED message, or 'close'.
   */
  admit?(client: Client, type: string, socket: RateVerdict): string | 'close' | undefined;
  /**
   * A shared room's per-account budgets (commands and events.sync bytes across the account's
   * sockets in this room instance): the adapter checks and charges them. The player room keeps
   * its per-process ones in `admit` and `sent` instead.
   */
  accounts?: RoomAccounts;
  /** After a reply went out (the player room charges events.sync bytes, a test-only fault point). */
  sent?(client: Client, type: string, reply: Reply): void;
  /**
   * Replies (and what the room passes to queueSend) are written at the end of the turn under one
   * socket cork (sendQueue.ts). Only for a room that flushes before every way it closes a client
   * itself: the player room. Others send each reply at once.
   */
  corked?: boolean;
};

/** Seconds a dropped client may come back to the same room (SDK reconnection). */
export const RECONNECT_SECONDS = 20;

const WEBSOCKET_OPEN = 1;

/** Node's largest timer delay (about 24.8 days). */
const NEVER_MS = 2 ** 31 - 1;

/** At most one state patch per room this often: Colyseus' own default rate (20 Hz). */
const PATCH_MS = 50;

export abstract class CofferRoom<S extends object> extends Room<{ state: S }> {
  /** Where this kind of room's state-encoding buffers start (roomEncodeBuffers.ts). */
  static readonly encodeBufferBytes: number = SHARED_ROOM_ENCODE_BYTES;
  protected abstract readonly adapterDeps: AdapterDeps & SeatChecks;
  #serving: Serving | undefined;
  #gone = false;
  #budgets!: CommandBudgets;
  readonly #sends = new SendQueue(() => this.clients);
  #patchQueued = false;
  #lastPatchAt = -Infinity;
  #patchTimer: NodeJS.Timeout | undefined;
  /** Clients this room closed with KICKED or RATE_LIMITED: their session ended, no seat is kept. */
  readonly #ended = new WeakSet<Client>();

  constructor() {
    super();
    sizeRoomEncodeBuffers((this.constructor as typeof CofferRoom).encodeBufferBytes);
    // Colyseus' one entry for a socket taking a seat, with the auth context the transport parsed
    // from the upgrade (its `token` is the `_authToken` it acts on): the earliest point a
    // reconnection can be judged, and before the seat is consumed, so a refused socket does not
    // cost the owner a kept seat. (Private in Colyseus' types: replaced on the instance.)
    const seats = this as unknown as ColyseusSeats;
    const onJoin = seats._onJoin.bind(this);
    seats._onJoin = async (client: Client, authContext: AuthContext, connectionOptions?: { reconnectionToken?: string }) => {
      const seat = seatBeingTaken(seats, this.clients, client.sessionId, connectionOptions?.reconnectionToken);
      if (seat) await admitSeat(this.adapterDeps, seat, authContext?.token, (identity) => this.seatRule(identity));
      this.#rememberEnding(client);
      return onJoin(client, authContext, connectionOptions);
    };
  }

  /** The room's own rule on who may take a seat, a join's or a reconnection's (seatCheck.ts). */
  protected seatRule(_identity: Identity): void {}

  /**
   * Whatever closes this client with KICKED or RATE_LIMITED (admin.kick, a ban or revocation through
   * sessionEnforcer.ts, a flood) ends its session here. Remembered on the client, not read from
   * the close code onDrop is given: on the ws transport that is the code the client's own close
   * frame carries, or 1006 when it sends none, so a hostile client picks it.
   */
  #rememberEnding(client: Client): void {
    const leave = client.leave.bind(client);
    client.leave = (code?: number, data?: string) => {
      if (code === CloseCode.KICKED || code === CloseCode.RATE_LIMITED) this.#ended.add(client);
      leave(code, data);
    };
  }

  /**
   * Ends the sessions `whose` picks (by the seat's identity): their open sockets are closed with
   * KICKED and the seats kept for their dropped sockets are given up, so nothing of theirs stays in
   * this room. Returns how many sockets were open.
   */
  endSession(whose: (identity: Identity | undefined) => boolean, reason: string): number {
    // Clients already told to leave are not counted again: on the ws transport a closed client
    // stays in the list until its close handshake ends. (Both transports keep WebSocket's
    // readyState on the client, where Colyseus types it as private.)
    const staying = this.clients.filter((client) => whose(client.auth as Identity | undefined) && (client as Client & ClientPrivate).readyState === WEBSOCKET_OPEN && client.state !== ClientState.LEAVING);
    this.#sends.flush();
    for (const client of staying) client.leave(CloseCode.KICKED, reason.slice(0, 120));
    giveUpKeptSeats(this as unknown as ColyseusSeats, whose);
    return staying.length;
  }

  /** Called by onCreate once the room has loaded: from here on it takes commands. */
  protected serve(serving: Serving): void {
    // Fenced (or shut down) while it loaded: it must not be listed as serving anything.
    if (this.#gone) throw refuse('UNAVAILABLE', 'this room was replaced while it loaded; join again');
    this.#serving = serving;
    this.#budgets = new CommandBudgets(this.adapterDeps);
    shareHandshake(this, this.state);
    this.adapterDeps.metrics.rooms.inc({ room: serving.kind });
    this.onMessage('*', (client, type, payload) => this.#receive(client, String(type), payload));
  }

  /** Asked by a room about to be created for the same table, board or writer (sharedRooms.ts). */
  serving(): boolean {
    return !this.#gone;
  }

  /**
   * Frames a commit produced (its events), written with the replies at the end of this turn under
   * one socket cork (sendQueue.ts); they go out before the acks queued after them.
   */
  protected queueSend(send: () => void): void {
    this.#sends.push(send);
  }

  /**
   * The state's changes go out when there are some (stateChanged), not on Colyseus' 20 Hz patch
   * timer: for a room whose state changes only when a commit lands. With thousands of idle player
   * rooms those timers were the largest cost of a join (bench --profile: each room's patch tick,
   * most of them finding nothing to send). A change after a quiet spell goes out with the frames
   * of its turn, just before the ack; a busy room still patches at most every PATCH_MS, as
   * Colyseus did, not once per commit. (Colyseus starts a 60 Hz clock timer for a patch rate of 0
   * or null: hence a delay that never comes.)
   */
  protected patchOnChange(): void {
    this.patchRate = NEVER_MS;
  }

  /**
   * The state changed in this turn: its patch goes out at the end of the turn (before what is
   * queued after this call), or PATCH_MS after the last patch if that was more recent.
   */
  protected stateChanged(): void {
    if (this.#patchQueued) return;
    this.#patchQueued = true;
    const wait = this.#lastPatchAt + PATCH_MS - performance.now();
    if (wait <= 0) this.#sends.push(() => this.#patch());
    else this.#patchTimer = setTimeout(() => this.#sends.push(() => this.#patch()), wait);
  }

  #patch(): void {
    this.#patchQueued = false;
    this.#patchTimer = undefined;
    this.#lastPatchAt = performance.now();
    this.broadcastPatch();
  }

  /** Writes the queued frames now (before the room closes a client itself, e.g. a kick). */
  protected flushSends(): void {
    this.#sends.flush();
  }

  /** What the room stops on going away (timers, its writer); runs once. */
  protected release(): void {}

  /** The fence went to a newer room, or this one gave its work up: stop, send the clients there. */
  protected handOver(why: string): void {
    if (this.#gone) return;
    this.adapterDeps.logger.warn({ roomId: this.roomId, room: this.#serving?.kind, why }, 'room handing over; sending its clients to a newer room');
    this.#stop();
    this.autoDispose = true;
    void this.lock();
    setImmediate(() => this.#closeClients());
  }

  onBeforeShutdown(): void {
    // Nothing is started or retried any more; the clients join a room of another process.
    this.#stop();
    this.#closeClients();
  }

  onDispose(): void {
    clearTimeout(this.#patchTimer);
    this.#stop();
    if (this.#serving) this.adapterDeps.metrics.rooms.dec({ room: this.#serving.kind });
  }

  async onDrop(client: Client, code?: number): Promise<void> {
    // A kick, a ban, a revocation or a flood ends the session: no seat is kept for a reconnection.
    if (this.#ended.has(client) || code === CloseCode.KICKED || code === CloseCode.RATE_LIMITED) return;
    // The seat expiring unused (or given up by endSession) rejects: not an error to report.
    await this.allowReconnection(client, RECONNECT_SECONDS).catch(() => undefined);
  }

  /** events.sync: the stream's events after `afterSeq` up to `head` (what this room committed). */
  protected syncStream(id: string, stream: string, afterSeq: number, head: number): Promise<Reply> {
    return syncReply(sqlStreams(this.adapterDeps.sql), this.adapterDeps.syncReads, id, stream, afterSeq, () => head);
  }

  #closeClients(): void {
    this.#sends.flush();
    this.#dropReservedSeats();
    try {
      // A failed disconnect has no client left to tell.
      void this.disconnect(CloseCode.RECONNECT).catch(() => undefined);
    } catch {
      // Colyseus refuses (synchronously) to disconnect a room still in onCreate; serve() then
      // refuses to finish creating it, so it is discarded without ever being listed.
    }
  }

  /**
   * Seats reserved here for joins whose sockets will not come (and the dispose delay each one
   * restarts) would keep this room, and so its id on this process, for Colyseus' whole reservation
   * time (15 s) after its clients left. With a player room's fixed id that held joins up: the
   * matchmaker asks a local room of the id first, and a stale one going away refuses them.
   * (Colyseus has no API for it: its fields.)
   */
  #dropReservedSeats(): void {
    const room = this as unknown as { _reservedSeats: Record<string, unknown>; _reservedSeatTimeouts: Record<string, NodeJS.Timeout>; _autoDisposeTimeout: NodeJS.Timeout | undefined };
    for (const timer of Object.values(room._reservedSeatTimeouts)) clearTimeout(timer);
    room._reservedSeatTimeouts = {};
    room._reservedSeats = {};
    clearTimeout(room._autoDisposeTimeout);
    room._autoDisposeTimeout = undefined;
  }

  #stop(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.release();
  }

  #receive(client: Client, type: string, payload: unknown): void {
    const serving = this.#serving!;
    const deps = this.adapterDeps;
    const received = performance.now();
    const limited = this.#budgets.admit(serving, client, type);
    if (limited === 'close') {
      // The replies it was owed (RATE_LIMITED nacks among them) go out before the close.
      this.#sends.flush();
      return client.leave(CloseCode.RATE_LIMITED);
    }
    const reply = limited !== undefined ? Promise.resolve(nack(idOf(payload), 'RATE_LIMITED', limited, true)) : this.#answer(serving, client, type, payload);
    void reply.then((r) => {
      deps.metrics.commands.inc({ type: Object.hasOwn(serving.commands, type) ? type : 'unknown', outcome: 'ack' in r ? 'ack' : r.nack.code });
      deps.metrics.commandSeconds.observe((performance.now() - received) / 1000);
      const send = () => {
        if ('ack' in r) client.send(ServerMessage.ack, r.ack);
        else client.send(ServerMessage.nack, r.nack);
        this.#budgets.charge(serving, client, type, r);
        serving.sent?.(client, type, r);
      };
      if (serving.corked) this.#sends.push(send);
      else send();
    });
  }

  async #answer(serving: Serving, client: Client, type: string, payload: unknown): Promise<Reply> {
    if (serving.kind !== 'admin' && type.startsWith('admin.')) return forbiddenAdminCommand(payload);
    try {
      return await serving.handle(client, type, payload);
    } catch (error) {
      return failureReply(idOf(payload) ?? '', error, this.adapterDeps.logger, { roomId: this.roomId, type });
    }
  }
}

function idOf(payload: unknown): string | null {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : null;
}
