// Whose statement gets the next pool connection when every one is busy: commits first. A join's
// room load, an events.sync read or a fence check can wait a few milliseconds more; an acked
// command waits for its commit. In embedded mode the one connection is all there is: during a
// burst of joins (50 load users starting together: 150 joins in a second or two) the commits of
// the first players' commands queued behind every load already asked for, and took 50-500 ms each
// (BENCHMARKS.md, "Crash bets in groups"). pg's pool serves its queue in arrival order, so the
// turns are taken here, before the pool is asked. Work already running is never interrupted, and
// other work is never starved: while both wait, turns alternate (commits first, at most one in a
// row). Strict priority starved the reads under steady load (the admin scenario's ack p95 went
// from 75 to 507 ms in embedded mode: a look-up waited behind every batch).
export class ConnectionTurns {
  #free: number;
  readonly #commits: Array<() => void> = [];
  readonly #others: Array<() => void> = [];
  /** The last turn handed over went to a commit while other work waited. */
  #commitWent = false;

  /** `connections`: how many may run at once (the pool's size). */
  constructor(connections: number) {
    this.#free = Math.max(1, connections);
  }

  /** Runs `work` when a connection is free for it: a commit before any other waiting work. */
  async run<T>(commit: boolean, work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => (commit ? this.#commits : this.#others).push(resolve));
    try {
      return await work();
    } finally {
      // The turn passes straight to the next waiting work, or the connection is free again.
      const next = this.#next();
      if (next) next();
      else this.#free += 1;
    }
  }

  #next(): (() => void) | undefined {
    const commitFirst = this.#commits.length > 0 && !(this.#commitWent && this.#others.length > 0);
    this.#commitWent = commitFirst && this.#others.length > 0;
    return commitFirst ? this.#commits.shift() : this.#others.shift();
  }

  /** Work waiting for a turn (for tests and metrics). */
  get waiting(): number {
    return this.#commits.length + this.#others.length;
  }
}
