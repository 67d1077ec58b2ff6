// A room that lost its fence learns it at its next commit. One that commits nothing (its client
// only watches, while a newer room for the same user or board on another process takes the
// writes) would show stale state for as long as it lives: after Redis lost the matchmaker's room
// cache, say, or when two processes create the same board room at once. The watch reads the
// epochs of every live room of the process once a second (one query per fence table: player rooms
// fence on `accounts`, shared rooms on `room_writers`) and sends the clients of each room whose
// fence was taken to the newer room.
import { Account } from '../../schema/entities/account.ts';
import { RoomWriter } from '../../schema/entities/roomWriter.ts';
import type { Logger } from '../observability/logger.ts';
import { namesOf, perMapping } from '../store/entityNames.ts';
import type { Sql } from '../store/sql.ts';

/** Where a writer's epoch lives: its account row (a player room) or its room_writers row. */
export type Fence = { on: 'account' | 'roomWriter'; id: string };

const FENCES = ['account', 'roomWriter'] as const satisfies ReadonlyArray<Fence['on']>;

/** The epochs of a list of writers, per fence table, named by the entities. */
const statements = perMapping((metadata): Record<Fence['on'], string> => {
  const epochs = (n: { table: string; col(property: 'id' | 'epoch'): string }) => `SELECT ${n.col('id')} AS id, ${n.col('epoch')} AS epoch FROM ${n.table} WHERE ${n.col('id')} = ANY($1)`;
  return { account: epochs(namesOf(metadata, Account)), roomWriter: epochs(namesOf(metadata, RoomWriter)) };
});

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
    for (const on of FENCES) {
      const writers = [...this.#writers].filter((w) => w.fence.on === on);
      if (writers.length === 0) continue;
      const rows = await sql.query<{ id: string; epoch: string }>(statements(sql.metadata)[on], [writers.map((w) => w.fence.id)], undefined, `fence_watch_${on}`);
      const epochs = new Map(rows.map((r) => [r.id, Number(r.epoch)]));
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
