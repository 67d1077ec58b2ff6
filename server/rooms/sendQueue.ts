// What a room sends after a commit (its events, then the acks), gathered and written at the
// end of the current turn of the event loop, each client's frames under one uWebSockets.js cork:
// one syscall per client for everything a commit batch produced, instead of one per frame. The
// CPU profile of the peak phase (`npm run bench -- --profile`, BENCHMARKS.md) had uWS `send`, one
// uncorked write per frame, as the largest self-time entry. Order is kept: a client sees a
// command's events before its ack, as before. On the ws transport the frames go out one by one.
import type { Client } from '@colyseus/core';

type Corkable = { cork?: (send: () => void) => unknown };

export class SendQueue {
  #queued: Array<() => void> = [];
  #scheduled = false;
  readonly #clients: () => readonly Client[];

  /** `clients`: the room's clients, whose sockets are corked while the queue is written. */
  constructor(clients: () => readonly Client[]) {
    this.#clients = clients;
  }

  /** Runs `send` (which writes frames to this room's clients) at the end of this turn. */
  push(send: () => void): void {
    this.#queued.push(send);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  /** Writes what is queued now: before a client is closed, what it was owed goes first. */
  flush(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#queued.length === 0) return;
    const sends = this.#queued;
    this.#queued = [];
    const run = () => {
      for (const send of sends) send();
    };
    // uWS corks one socket at a time: the room's first client's. A player room nearly always has
    // just that one; in shared rooms the other clients' frames go out uncorked, as they did before.
    const socket = (this.#clients()[0]?.ref as { ws?: Corkable } | undefined)?.ws;
    if (socket?.cork) socket.cork(run);
    else run();
  }
}
