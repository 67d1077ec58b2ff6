// A Colyseus room over a bare `ws` socket, for hostile tests: it can send any bytes, set any
// Origin header, and stop reading its socket (a slow reader). Matchmaking is the plain HTTP call;
// the framing follows load/protocolClient.ts (JOIN_ROOM handshake, ROOM_DATA = [13, type, msgpack]).
import { once } from 'node:events';
import { decode, encode, type Iterator } from '@colyseus/schema';
import { Packr, unpack } from 'msgpackr';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, ServerMessage, type Ack, type Nack, type WireEvent } from '../../shared/protocol.ts';

export const JOIN_ROOM = 10;
export const ERROR = 11;
export const ROOM_DATA = 13;

export type Seat = { roomId: string; processId: string; sessionId: string; publicAddress?: string };
export type Matchmade = { status: number; seat?: Seat; error?: string; body: unknown; headers: Headers };
export type Reply = { ack: Ack<any> } | { nack: Nack };
export type Closed = { code: number; reason: string };

/** POST /matchmake/<method>/<room> (joinOrCreate unless named; joinById takes a room id): the seat, or the refusal's status and message. */
export async function matchmake(baseUrl: string, roomName: string, opts: { token?: string; origin?: string; options?: Record<string, unknown>; method?: 'joinOrCreate' | 'join' | 'create' | 'joinById' | 'reconnect' } = {}): Promise<Matchmade> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.origin !== undefined) headers.origin = opts.origin;
  const res = await fetch(`${baseUrl}/matchmake/${opts.method ?? 'joinOrCreate'}/${roomName}`, { method: 'POST', headers, body: JSON.stringify(opts.options ?? { protocol: PROTOCOL_VERSION }) });
  const body = (await res.json().catch(() => ({}))) as Seat & { error?: string; message?: string };
  return res.ok ? { status: res.status, seat: body, body, headers: res.headers } : { status: res.status, error: body.error ?? body.message, body, headers: res.headers };
}

/** The bytes of one ROOM_DATA frame: [13, type, msgpack(payload)]. `body` replaces the msgpack. */
export function roomDataFrame(type: string, payload: unknown, body?: Uint8Array): Uint8Array {
  const header = new Uint8Array(8 + Buffer.byteLength(type) * 2);
  header[0] = ROOM_DATA;
  const it: Iterator = { offset: 1 };
  encode.string(header as Buffer, type, it);
  const packed = body ?? new Packr({ useRecords: false }).pack(payload);
  const frame = new Uint8Array(it.offset + packed.byteLength);
  frame.set(header.subarray(0, it.offset));
  frame.set(packed, it.offset);
  return frame;
}

/** `reconnectionToken` makes the socket a reconnection into a kept seat (what the SDK sends). */
export type ConnectOptions = { token?: string; origin?: string; headers?: Record<string, string>; reconnectionToken?: string };

export class RawRoom {
  readonly socket: WebSocket;
  readonly replies: Reply[] = [];
  readonly events: WireEvent[] = [];
  readonly closed: Promise<Closed>;
  /** What the join handshake gave back for a reconnection (the SDK's room.reconnectionToken, without the room id). */
  reconnectionToken = '';
  readonly #waiting = new Map<string | null, Array<(r: Reply) => void>>();
  #anyWaiters: Array<(r: Reply) => void> = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = once(socket, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  }

  /** Opens the seat's socket and completes the join handshake. */
  static async open(baseUrl: string, seat: Seat, opts: ConnectOptions = {}): Promise<RawRoom> {
    const socket = RawRoom.connect(baseUrl, seat, opts);
    const room = new RawRoom(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      socket.on('message', (data: Buffer) => {
        if (data[0] === JOIN_ROOM) {
          room.reconnectionToken = data.subarray(2, 2 + data[1]!).toString();
          socket.send(new Uint8Array([JOIN_ROOM]));
          resolve();
        } else if (data[0] === ERROR) reject(new Error('join failed with a protocol error'));
        else if (data[0] === ROOM_DATA) room.#receive(data);
      });
      void room.closed.then(({ code }) => reject(new Error(`closed with ${code} before the join`)));
    });
    return room;
  }

  /** The bare upgrade request for a seat, for tests that look at the refusal itself. */
  static connect(baseUrl: string, seat: Seat, opts: ConnectOptions = {}): WebSocket {
    const http = new URL(baseUrl);
    const reconnection = opts.reconnectionToken ? `&reconnectionToken=${encodeURIComponent(opts.reconnectionToken)}` : '';
    const query = `sessionId=${seat.sessionId}${reconnection}${opts.token ? `&_authToken=${encodeURIComponent(opts.token)}` : ''}`;
    return new WebSocket(`ws://${http.host}/${seat.processId}/${seat.roomId}?${query}`, { headers: { ...opts.headers, ...(opts.origin ? { origin: opts.origin } : {}) } });
  }

  static async join(baseUrl: string, roomName: string, token: string, options: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<RawRoom> {
    const made = await matchmake(baseUrl, roomName, { token, options: { protocol: PROTOCOL_VERSION, ...options } });
    if (!made.seat) throw new Error(`join ${roomName} refused: ${made.status} ${made.error}`);
    return RawRoom.open(baseUrl, made.seat, { token, headers });
  }

  #receive(frame: Buffer) {
    const it: Iterator = { offset: 1 };
    const type = decode.stringCheck(frame, it) ? decode.string(frame, it) : String(decode.number(frame, it));
    const message = unpack(frame.subarray(it.offset));
    if (type === ServerMessage.event) return void this.events.push(message as WireEvent);
    if (type !== ServerMessage.ack && type !== ServerMessage.nack) return;
    const reply: Reply = type === ServerMessage.ack ? { ack: message as Ack } : { nack: message as Nack };
    this.replies.push(reply);
    for (const resolve of this.#anyWaiters.splice(0)) resolve(reply);
    const id = (message as { id: string | null }).id;
    const queue = this.#waiting.get(id);
    const resolve = queue?.shift();
    if (queue?.length === 0) this.#waiting.delete(id);
    resolve?.(reply);
  }

  /** Resolves with the next reply carrying `id` (null for a nack that could not name one). */
  reply(id: string | null): Promise<Reply> {
    return new Promise((resolve) => {
      const queue = this.#waiting.get(id) ?? [];
      queue.push(resolve);
      this.#waiting.set(id, queue);
    });
  }

  /** Resolves with the next reply, whatever its id. */
  nextReply(): Promise<Reply> {
    return new Promise((resolve) => this.#anyWaiters.push(resolve));
  }

  sendFrame(frame: Uint8Array | string): void {
    this.socket.send(frame);
  }

  send(type: string, payload: unknown): void {
    this.socket.send(roomDataFrame(type, payload));
  }

  /** Stops reading the socket: the kernel buffers fill and the server sees backpressure. */
  pauseReading(): void {
    (this.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();
  }

  resumeReading(): void {
    (this.socket as unknown as { _socket: import('node:net').Socket })._socket.resume();
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** How the server answered a WebSocket upgrade: its refusal's HTTP status, or 101 once it opened
 *  (the socket is then closed). */
export function upgradeStatus(socket: WebSocket): Promise<number> {
  socket.on('error', () => undefined);
  return new Promise<number>((resolve) => {
    socket.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
  });
}
