// A room that lost its fence learns it at its next commit. One that commits nothing (its client
// only watches, while a newer room for the same user or board on another process takes the
// writes) would show stale state for as long as it lives: after Redis lost the matchmaker's room
// cache, say, or when two processes create the same board room at once. The watch reads the
// epochs of every live room of the process once a second (one query per fence table: player rooms
// fence on `accounts`, shared rooms on `room_writers`) and sends the clients of each room whose
// fence was taken to the newer room.
import type { Logger } from '../observability/logger.ts';
import { FENCE_KINDS, fenceEpochs, type FenceKind } from '../store/roomFence.ts';
import type { Sql } from '../store/sql.ts';

/** Where a writer's epoch lives (store/roomFence.ts), and under which id. */
export type Fence = { on: FenceKind; id: string };

export type WatchedWriter = {
  fence: Fence;
  /** The epoch held, or undefined while a new one is being taken. */
  settledEpoch: number | undefined;
  fenceTaken(): void;
};

export class FenceWatch {
  readonly #writers = new Set<WatchedWriter>();
  #timer: NodeJS.Timeout | undefined;

  watch(writer: WatchedWriter): () => void {
    this.#writers.add(writer);
    return () => this.#writers.delete(writer);
  }

  /** One pass: the writers whose fence another room holds now are told so. */
  async check(sql: Sql): Promise<number> {
    let taken = 0;
    for (const on of FENCE_KINDS) {
      const writers = [...this.#writers].filter((w) => w.fence.on === on);
      if (writers.length === 0) continue;
      const epochs = await fenceEpochs(sql, on, writers.map((w) => w.fence.id));
      for (const writer of writers) {
        const held = writer.settledEpoch;
        if (held !== undefined && (epochs.get(writer.fence.id) ?? held) > held) {
          writer.fenceTaken();
          taken++;
        }
      }
    }
    return taken;
  }

  start(sql: Sql, everyMs: number, logger: Logger): void {
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      void this.check(sql)
        .catch((error: unknown) => logger.debug({ err: error }, 'fence watch could not read epochs; next pass'))
        .finally(() => (running = false));
    }, everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
