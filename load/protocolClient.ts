// A minimal Colyseus 0.18 client for load generation: matchmaking over HTTP, the room over a
// plain WebSocket, commands as ROOM_DATA frames (msgpack), replies read from ROOM_DATA frames.
// It never decodes room state, so a load generator spends its CPU on commands, not on schema
// patches. (The framing follows @colyseus/sdk's Room.ts: JOIN_ROOM handshake acknowledged with
// one byte; ROOM_DATA = [13, type as a schema string, msgpack payload].)
import { decode, encode, type Iterator } from '@colyseus/schema';
import { Packr, unpack } from 'msgpackr';
import { PROTOCOL_VERSION, ServerMessage, type Ack, type Nack, type WireEvent } from '../shared/protocol.ts';
import { closedBeforeReply } from './scenario/session.ts';

const JOIN_ROOM = 10;
const ERROR = 11;
const ROOM_DATA = 13;

export type Reply = { ack: Ack<unknown> } | { nack: Nack };

export class ProtocolRoom {
  readonly #socket: WebSocket;
  readonly #packr = new Packr({ useRecords: false });
  readonly #waiting = new Map<string, (reply: Reply) => void>();
  readonly #header = new Uint8Array(256);
  /** The close code once the socket closed after the join: waiting and later sends get an
   *  UNAVAILABLE nack instead of waiting for ever (a flood the server closes at 4x its rate). */
  #closedWith: number | undefined;
  /** Set to receive events; left unset, event frames are not even decoded. */
  onEvent: ((event: WireEvent) => void) | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
  }

  /** Joins (or creates) `roomName` with the protocol version added to `options`. */
  static async join(baseUrl: string, token: string, roomName: string, options: Record<string, unknown> = {}): Promise<ProtocolRoom> {
    const res = await fetch(`${baseUrl}/matchmake/joinOrCreate/${roomName}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION, ...options }),
    });
    const seat = (await res.json()) as { roomId: string; processId: string; sessionId: string; publicAddress?: string; error?: string };
    if (!res.ok) throw new Error(`join ${roomName} refused: ${res.status} ${seat.error ?? ''}`);
    const http = new URL(baseUrl);
    const host = seat.publicAddress ?? http.host;
    const url = `${http.protocol === 'https:' ? 'wss' : 'ws'}://${host}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const room = new ProtocolRoom(socket);
    await new Promise<void>((resolve, reject) => {
      socket.onerror = () => reject(new Error(`WebSocket to ${roomName} failed`));
      socket.onclose = (e) => reject(new Error(`WebSocket to ${roomName} closed with ${e.code} before the join`));
      socket.onmessage = (e) => {
        const frame = new Uint8Array(e.data as ArrayBuffer);
        if (frame[0] === JOIN_ROOM) {
          socket.send(new Uint8Array([JOIN_ROOM]));
          socket.onmessage = (m) => room.#receive(new Uint8Array(m.data as ArrayBuffer));
          socket.onclose = (e) => room.#closed(e.code);
          resolve();
        } else if (frame[0] === ERROR) {
          reject(new Error(`join ${roomName} failed with a protocol error`));
        }
      };
    });
    return room;
  }

  #receive(frame: Uint8Array) {
    if (frame[0] !== ROOM_DATA) return; // state and patches are not this client's business
    const it: Iterator = { offset: 1 };
    const type = decode.stringCheck(frame as Buffer, it) ? decode.string(frame as Buffer, it) : String(decode.number(frame as Buffer, it));
    if (type === ServerMessage.event) {
      if (this.onEvent) this.onEvent(unpack(frame as Buffer, { start: it.offset }) as WireEvent);
      return;
    }
    if (type !== ServerMessage.ack && type !== ServerMessage.nack) return;
    const message = unpack(frame as Buffer, { start: it.offset }) as Ack | Nack;
    const resolve = this.#waiting.get(message.id ?? '');
    this.#waiting.delete(message.id ?? '');
    resolve?.(type === ServerMessage.ack ? { ack: message as Ack } : { nack: message as Nack });
  }

  #closed(code: number) {
    this.#closedWith = code;
    for (const [id, resolve] of this.#waiting) resolve({ nack: closedBeforeReply(id, code) });
    this.#waiting.clear();
  }

  /** Sends `{ id, ...fields }` and resolves with its reply. One outstanding send per id. */
  send(type: string, id: string, fields: Record<string, unknown> = {}): Promise<Reply> {
    if (this.#closedWith !== undefined) return Promise.resolve({ nack: closedBeforeReply(id, this.#closedWith) });
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      const it: Iterator = { offset: 1 };
      this.#header[0] = ROOM_DATA;
      encode.string(this.#header as Buffer, type, it);
      const body = this.#packr.pack({ id, ...fields });
      const frame = new Uint8Array(it.offset + body.byteLength);
      frame.set(this.#header.subarray(0, it.offset));
      frame.set(body, it.offset);
      this.#socket.send(frame);
    });
  }

  close(): void {
    this.#socket.close(1000);
  }
}
