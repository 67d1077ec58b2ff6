// A load client's session on the real protocol: sign in over HTTP, reserve a seat through the
// Colyseus matchmaker, open the room's WebSocket, finish the join handshake, then send commands
// with ids and time each one to its reply. Runner-agnostic: everything goes through LoadRuntime.
import { PROTOCOL_VERSION, ServerMessage, type Ack, type Nack } from '../../shared/protocol.ts';
import type { AnyCommandType, CommandFields, CommandResult, TypedEvent } from '../../shared/registry.ts';
import { decodeFrame, encodeRoomData, joinAcknowledgement } from './codec.ts';
import { Metric, type LoadRuntime, type LoadSocket } from './runtime.ts';

/** A command's one reply; the ack's result typed from shared/registry.ts. */
export type Reply<R = unknown> = { ack: Ack<R> } | { nack: Nack };
export type Session = { token: string; userId: string };

let idCounter = 0;
/** A command id: 8-64 characters of [A-Za-z0-9_-], unique per process/VU (random prefix + counter). */
export function newId(): string {
  idCounter += 1;
  return `ld${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}${idCounter.toString(36)}`;
}

async function postJson(rt: LoadRuntime, url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await rt.http('POST', url, body, { 'content-type': 'application/json', accept: 'application/json', ...headers });
  let parsed: any = null;
  try {
    parsed = res.body ? JSON.parse(res.body) : null;
  } catch {
    // Not JSON (a proxy's error page): the status below says what happened.
  }
  if (res.status < 200 || res.status >= 300) {
    const path = url.replace(/^[a-z]+:\/\/[^/]+/, '');
    // Without ADMIN_PASSWORD every load user signs up anonymously from this one address, and a
    // server on its defaults allows 20 of those per address per hour; the admin's are not counted.
    const hint = res.status === 429 && path === '/auth/guest' && headers.authorization === undefined
      ? ' (the server limits anonymous guest sign-ups per address: set ADMIN_PASSWORD so the kit signs its users up as the admin, see load/README.md)'
      : '';
    // The matchmaker's errors say `error`; ours are { code, message } (docs/PROTOCOL.md).
    const reason = parsed?.error ?? (parsed?.code ? `${parsed.code} ${parsed.message ?? ''}`.trim() : undefined);
    throw new Error(`POST ${path} answered ${res.status}${reason ? `: ${reason}` : ''}${hint}`);
  }
  return parsed;
}

/** The synthetic nack (not sent by the server) that stands for a command whose socket closed
 *  before its reply, or was closed when it was sent. */
export function closedBeforeReply(id: string, code: number): Nack {
  return { id, code: 'UNAVAILABLE', message: `the socket closed with ${code} before the reply`, retryable: true };
}

/** A new guest; with `adminToken` signed up as the admin's (not counted against the address' limit). */
export async function signInGuest(rt: LoadRuntime, baseUrl: string, displayName?: string, adminToken?: string): Promise<Session> {
  const headers: Record<string, string> = adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` };
  const body = (await postJson(rt, `${baseUrl}/auth/guest`, displayName ? { displayName } : {}, headers)) as { token: string; userId: string };
  return { token: body.token, userId: body.userId };
}

export async function signInAdmin(rt: LoadRuntime, baseUrl: string, password: string): Promise<Session> {
  const body = (await postJson(rt, `${baseUrl}/auth/admin`, { password })) as { token: string; userId: string };
  return { token: body.token, userId: body.userId };
}

/** Scheme and host of BASE_URL. (k6 has no global URL class, so no `new URL` here.) */
export function splitBaseUrl(baseUrl: string): { secure: boolean; host: string } {
  const match = /^(https?):\/\/([^/?#]+)/i.exec(baseUrl);
  if (!match) throw new Error(`BASE_URL must look like http://host:port, got ${JSON.stringify(baseUrl)}`);
  return { secure: match[1].toLowerCase() === 'https', host: match[2] };
}

type Seat = { roomId: string; processId: string; sessionId: string; publicAddress?: string };

/** A joined room: commands out, replies and events in. State frames are ignored (not decoded). */
export class RoomConnection {
  readonly roomName: string;
  readonly #rt: LoadRuntime;
  #socket: LoadSocket | undefined;
  readonly #waiting = new Map<string, { resolve: (reply: Reply) => void; sentAt: number; type: string; cancelTimer: () => void }>();
  #closedWith: number | undefined;
  /** Called with every committed event the room broadcasts. */
  onEvent: ((event: TypedEvent) => void) | undefined;
  /** Called once if the socket closes (by either side). */
  onClose: ((code: number) => void) | undefined;
  /** How long a command may wait for its reply before it counts as failed. */
  commandTimeoutMs = 15_000;

  private constructor(rt: LoadRuntime, roomName: string) {
    this.#rt = rt;
    this.roomName = roomName;
  }

  get closed(): boolean {
    return this.#closedWith !== undefined;
  }

  /** The WebSocket close code once closed (1000 when this side closed it). */
  get closeCode(): number | undefined {
    return this.#closedWith;
  }

  get pending(): number {
    return this.#waiting.size;
  }

  /** `POST /matchmake/joinOrCreate/<room>`, then the room WebSocket and the JOIN_ROOM handshake. */
  static async join(rt: LoadRuntime, baseUrl: string, token: string, roomName: string, options: Record<string, unknown> = {}): Promise<RoomConnection> {
    const started = rt.now();
    const seat = (await postJson(rt, `${baseUrl}/matchmake/joinOrCreate/${roomName}`, { protocol: PROTOCOL_VERSION, ...options }, { authorization: `Bearer ${token}` })) as Seat;
    const base = splitBaseUrl(baseUrl);
    const host = seat.publicAddress ?? base.host;
    const scheme = base.secure ? 'wss' : 'ws';
    const url = `${scheme}://${host}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${encodeURIComponent(token)}`;
    const room = new RoomConnection(rt, roomName);
    let joined!: () => void;
    let refused!: (error: Error) => void;
    const handshake = new Promise<void>((resolve, reject) => {
      joined = resolve;
      refused = reject;
    });
    let inRoom = false;
    room.#socket = await rt.openSocket(url, {
      onMessage: (bytes) => {
        if (inRoom) return room.#receive(bytes);
        const frame = decodeFrame(bytes);
        if (frame.kind === 'joined') {
          inRoom = true;
          room.#socket!.send(joinAcknowledgement());
          joined();
        } else if (frame.kind === 'error') {
          refused(new Error(`join ${roomName} refused: ${frame.code} ${frame.message}`));
        }
      },
      onClose: (code) => {
        refused(new Error(`WebSocket to ${roomName} closed with ${code} before the join`));
        room.#closed(code);
      },
    });
    await handshake;
    rt.trend(Metric.joinLatency, rt.now() - started, { room: roomName });
    return room;
  }

  #receive(bytes: Uint8Array) {
    const frame = decodeFrame(bytes);
    if (frame.kind !== 'data') return;
    if (frame.type === ServerMessage.event) {
      this.onEvent?.(frame.message as TypedEvent);
      return;
    }
    if (frame.type !== ServerMessage.ack && frame.type !== ServerMessage.nack) return;
    const message = frame.message as Ack | Nack;
    const id = message.id ?? '';
    const waiter = this.#waiting.get(id);
    if (!waiter) return;
    this.#waiting.delete(id);
    waiter.cancelTimer();
    this.#rt.trend(Metric.ackLatency, this.#rt.now() - waiter.sentAt, { type: waiter.type });
    waiter.resolve(frame.type === ServerMessage.ack ? { ack: message as Ack } : { nack: message as Nack });
  }

  #closed(code: number) {
    if (this.#closedWith !== undefined) return;
    this.#closedWith = code;
    for (const [id, waiter] of this.#waiting) {
      this.#waiting.delete(id);
      waiter.cancelTimer();
      waiter.resolve({ nack: closedBeforeReply(id, code) });
    }
    this.onClose?.(code);
  }

  /** Sends `{ id, ...fields }` and resolves with its reply; a synthetic UNAVAILABLE nack (not sent by
   *  the server) stands for a closed socket or a reply missing after `commandTimeoutMs`. */
  send<T extends AnyCommandType>(type: T, fields: CommandFields<T>, id: string = newId()): Promise<Reply<CommandResult<T>>> {
    if (this.#closedWith !== undefined) return Promise.resolve({ nack: closedBeforeReply(id, this.#closedWith) });
    return new Promise<Reply<CommandResult<T>>>((resolve) => {
      const cancelTimer = this.#rt.timer(this.commandTimeoutMs, () => {
        if (!this.#waiting.delete(id)) return;
        resolve({ nack: { id, code: 'UNAVAILABLE', message: `no reply within ${this.commandTimeoutMs} ms`, retryable: true } });
      });
      this.#waiting.set(id, { resolve: resolve as (reply: Reply) => void, sentAt: this.#rt.now(), type, cancelTimer });
      this.#socket!.send(encodeRoomData(type, { id, ...fields }));
    });
  }

  close(): void {
    if (this.#closedWith !== undefined) return;
    this.#socket?.close(1000);
    this.#closed(1000);
  }
}
