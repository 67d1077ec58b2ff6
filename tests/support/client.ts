// A test player: signs in over HTTP, joins rooms with @colyseus/sdk and sends commands the way the
// protocol says: one id per command, one reply per send, events collected by stream and seq.
import { randomUUID } from 'node:crypto';
import { Client, type Room } from '@colyseus/sdk';
import { PROTOCOL_VERSION, RoomName, ServerMessage, type Ack, type Nack, type WireEvent } from '../../shared/protocol.ts';
import { commandResultSchemas, wireEventSchema, wireMismatch } from '../../shared/wireSchemas.ts';
import { PlayerState } from '../../shared/state.ts';

export type Reply = { ack: Ack<any> } | { nack: Nack };

export type Session = { token: string; userId: string; displayName: string };

export async function signInGuest(baseUrl: string, displayName?: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(displayName ? { displayName } : {}),
  });
  if (!res.ok) throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

export function newId(): string {
  return randomUUID();
}

/**
 * Every ack result and event any connection of this test process received that does not conform
 * to its shared definition (shared/wireSchemas.ts). Such a reply rejects its send() and such an
 * event rejects waitForEvents(), so a test that sees one fails; tests/wireConformance.test.ts also
 * asserts this list is empty.
 */
export const wireMismatches: string[] = [];

/** A received ack result or event that does not conform to its shared definition. */
export class WireMismatch extends Error {}

/** A joined room (any room; S is its state). */
export class PlayerConnection<S = PlayerState> {
  readonly room: Room<any, S>;
  readonly events: WireEvent[] = [];
  /** The command type each id was sent with: its ack's result is checked by it. */
  readonly #sentTypes = new Map<string, string>();
  #eventMismatch: WireMismatch | undefined;
  /** The close code, once the server closed the socket or the client left: tracked from the join
   *  on, so a room that sends its client away before the test looks is not missed. */
  readonly left: Promise<number>;
  readonly #waiting = new Map<string, Array<(r: Reply | WireMismatch) => void>>();
  readonly #eventWaiters: Array<() => void> = [];

  constructor(room: Room<any, S>) {
    this.room = room;
    this.left = new Promise((resolve) => room.onLeave(resolve));
    room.onMessage(ServerMessage.ack, (ack: Ack) => this.#settle(ack.id, { ack }));
    room.onMessage(ServerMessage.nack, (nack: Nack) => this.#settle(nack.id ?? '', { nack }));
    room.onMessage(ServerMessage.event, (event: WireEvent) => {
      const mismatch = wireMismatch(wireEventSchema, event);
      if (mismatch) this.#eventMismatch ??= recordMismatch(`event ${event.type} #${event.seq} on ${event.stream}: ${mismatch} in ${JSON.stringify(event)}`);
      this.events.push(event);
      for (const w of this.#eventWaiters.splice(0)) w();
    });
  }

  get state(): S {
    return this.room.state;
  }

  #settle(id: string, reply: Reply) {
    const type = this.#sentTypes.get(id);
    if ('ack' in reply && type !== undefined && Object.hasOwn(commandResultSchemas, type)) {
      const mismatch = wireMismatch(commandResultSchemas[type as keyof typeof commandResultSchemas], reply.ack.result);
      if (mismatch) return this.#answer(id, recordMismatch(`ack of ${type} ${id}: ${mismatch} in ${JSON.stringify(reply.ack.result)}`));
    }
    this.#answer(id, reply);
  }

  #answer(id: string, reply: Reply | WireMismatch) {
    const queue = this.#waiting.get(id);
    const resolve = queue?.shift();
    if (queue && queue.length === 0) this.#waiting.delete(id);
    resolve?.(reply);
  }

  /** Sends `{ id, ...fields }` and resolves with the reply to that id. */
  send(type: string, fields: Record<string, unknown> = {}, id: string = newId()): Promise<Reply> {
    return this.sendRaw(type, { id, ...fields }, id);
  }

  sendRaw(type: string, payload: unknown, replyId: string): Promise<Reply> {
    this.#sentTypes.set(replyId, type);
    return new Promise<Reply | WireMismatch>((resolve) => {
      const queue = this.#waiting.get(replyId) ?? [];
      queue.push(resolve);
      this.#waiting.set(replyId, queue);
      this.room.send(type, payload);
    }).then((reply) => {
      if (reply instanceof WireMismatch) throw reply;
      return reply;
    });
  }

  /** Resolves once `predicate` holds over the received events. */
  async waitForEvents(predicate: (events: WireEvent[]) => boolean): Promise<void> {
    for (;;) {
      if (this.#eventMismatch) throw this.#eventMismatch;
      if (predicate(this.events)) return;
      await new Promise<void>((r) => this.#eventWaiters.push(r));
    }
  }

  /** Resolves once the synchronized state satisfies `predicate`. */
  async waitForState(predicate: (state: S) => boolean): Promise<void> {
    if (this.room.state && predicate(this.room.state)) return;
    await new Promise<void>((resolve) => {
      const check = (state: S) => {
        if (!predicate(state)) return;
        this.room.onStateChange.remove(check);
        resolve();
      };
      this.room.onStateChange(check);
    });
  }

  leave(): Promise<number> {
    // A connection whose process died is retrying in the SDK (up to 15 times, over a minute) and
    // its timers would keep the test process alive: the next retry gives up instead.
    this.room.reconnection.maxRetries = 0;
    return this.room.leave(true);
  }
}

export async function joinPlayerRoom(baseUrl: string, token: string | undefined, options: Record<string, unknown> = {}): Promise<PlayerConnection> {
  const client = new Client(baseUrl);
  if (token) client.auth.token = token;
  const room = await client.joinOrCreate<PlayerState>(RoomName.player, { protocol: PROTOCOL_VERSION, ...options }, PlayerState);
  const connection = new PlayerConnection(room);
  // The full state arrives right after the join; wait for it so tests read committed values.
  await connection.waitForState((s) => s.userId !== '');
  return connection;
}

/** Joins any room with its state class; resolves once the first full state arrived. */
export async function joinRoom<S>(baseUrl: string, token: string | undefined, roomName: string, stateClass: new () => S, options: Record<string, unknown> = {}): Promise<PlayerConnection<S>> {
  const client = new Client(baseUrl);
  if (token) client.auth.token = token;
  const room = await client.joinOrCreate<S>(roomName, { protocol: PROTOCOL_VERSION, ...options }, stateClass as never);
  const connection = new PlayerConnection<S>(room);
  await connection.waitForState(() => true);
  return connection;
}

export async function signInAdmin(baseUrl: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/auth/admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  if (!res.ok) throw new Error(`admin sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

export function expectAck(reply: Reply): any {
  if (!('ack' in reply)) throw new Error(`expected an ack, got nack ${JSON.stringify(reply.nack)}`);
  return reply.ack.result;
}

export function expectNack(reply: Reply): Nack {
  if (!('nack' in reply)) throw new Error(`expected a nack, got ack ${JSON.stringify(reply.ack)}`);
  return reply.nack;
}

/** What a client branches on in a refusal: `CODE/REASON` (`CONFLICT/ROUND_CLOSED`), or the code alone when it has no reason. */
export function refusalOf(reply: Reply): string {
  const nack = expectNack(reply);
  return nack.reason === undefined ? nack.code : `${nack.code}/${nack.reason}`;
}

function recordMismatch(message: string): WireMismatch {
  wireMismatches.push(message);
  return new WireMismatch(`not as shared/wireSchemas.ts defines it: ${message}`);
}
