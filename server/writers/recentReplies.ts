// The replies a player room remembers for retries (INV-4, docs/ARCHITECTURE.md). Bounded: a busy player must
// not grow the process without limit. A retry of an id that has been forgotten is still answered
// from the database: its effect's unique key refuses the second write, the room reloads and finds
// the stored reply (PlayerWriter#afterFailedCommit).
import type { StoredReply } from '../store/playerStore.ts';

export const RECENT_REPLIES = 1024;

export class RecentReplies {
  readonly #limit: number;
  readonly #replies = new Map<string, StoredReply>();

  constructor(initial: Iterable<[string, StoredReply]> = [], limit = RECENT_REPLIES) {
    this.#limit = limit;
    for (const [id, reply] of initial) this.set(id, reply);
  }

  get(id: string): StoredReply | undefined {
    return this.#replies.get(id);
  }

  set(id: string, reply: StoredReply): void {
    this.#replies.set(id, reply);
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.#replies.size > this.#limit) this.#replies.delete(this.#replies.keys().next().value!);
  }

  get size(): number {
    return this.#replies.size;
  }
}
