// The process's end of the relay: committed events of other rooms (the `global` announcements of
// the admin room, wherever it lives) handed to the local rooms that subscribed to their stream.
//
// Delivery into the bus is at least once and may skip (Redis lost entries, a consumer joined late);
// out of it, each subscriber sees a stream's events once each, in seq order, without gaps: the bus
// drops what it has already passed on by (stream, seq) and reads a gap from the outbox.
import type { WireEvent } from '../../shared/protocol.ts';

export type StreamReader = {
  /** The highest committed seq of the stream (0 when it has none). */
  lastSeq(stream: string): Promise<number>;
  /** Committed events of the stream with `afterSeq < seq < beforeSeq`, in order. */
  between(stream: string, afterSeq: number, beforeSeq: number): Promise<WireEvent[]>;
};

type Listener = (event: WireEvent) => void;

type Subscription = {
  listeners: Set<Listener>;
  /** The last seq passed on; events wait on `ready` (the first read, a gap being filled). */
  lastSeq: number;
  ready: Promise<void>;
};

export class EventBus {
  readonly #reader: StreamReader;
  readonly #onError: (error: unknown) => void;
  readonly #streams = new Map<string, Subscription>();

  constructor(reader: StreamReader, onError: (error: unknown) => void) {
    this.#reader = reader;
    this.#onError = onError;
  }

  /**
   * `listener` receives the stream's events committed from now on. Returns the unsubscribe
   * function. (Earlier events are the client's to ask for with events.sync.)
   */
  subscribe(stream: string, listener: Listener): () => void {
    let sub = this.#streams.get(stream);
    if (!sub) {
      const created: Subscription = { listeners: new Set(), lastSeq: 0, ready: Promise.resolve() };
      created.ready = this.#reader.lastSeq(stream).then(
        (seq) => void (created.lastSeq = Math.max(created.lastSeq, seq)),
        (error: unknown) => this.#onError(error),
      );
      this.#streams.set(stream, created);
      sub = created;
    }
    sub.listeners.add(listener);
    return () => {
      sub.listeners.delete(listener);
      if (sub.listeners.size === 0 && this.#streams.get(stream) === sub) this.#streams.delete(stream);
    };
  }

  /** Hands events to the subscribers of their streams; events of other streams are dropped. */
  deliver(events: readonly WireEvent[]): void {
    for (const event of events) {
      const sub = this.#streams.get(event.stream);
      if (!sub) continue;
      sub.ready = sub.ready.then(() => this.#pass(event.stream, sub, event)).catch((error: unknown) => this.#onError(error));
    }
  }

  /** Waits until everything delivered so far has been passed on (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((sub) => sub.ready));
  }

  async #pass(stream: string, sub: Subscription, event: WireEvent): Promise<void> {
    if (event.seq <= sub.lastSeq) return;
    if (event.seq > sub.lastSeq + 1) {
      for (const missed of await this.#reader.between(stream, sub.lastSeq, event.seq)) this.#emit(sub, missed);
    }
    this.#emit(sub, event);
  }

  #emit(sub: Subscription, event: WireEvent): void {
    if (event.seq <= sub.lastSeq) return;
    sub.lastSeq = event.seq;
    for (const listener of sub.listeners) listener(event);
  }
}
