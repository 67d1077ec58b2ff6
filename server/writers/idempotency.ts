// One command id, one effect (INV-4, docs/ARCHITECTURE.md), the same way in both writers
// (playerWriter.ts, serialWriter.ts): a retry is answered from the reply stored under its id when
// its payload is the same, IDEMPOTENCY_MISMATCH when it differs, and a retry that arrives while
// the first is still running gets that first one's reply instead of running twice. Only memory:
// what is stored in the database is read by the writers and judged here (`answerStored`).
import type { StoredReply } from '../store/playerStore.ts';
import { RecentReplies } from './recentReplies.ts';
import { ack, mismatch, type Reply } from './replies.ts';

/** The answer to `id` from the reply stored under it, for a command whose payload hashes to `hash`. */
export function answerStored(id: string, hash: string, stored: StoredReply): Reply {
  return stored.payloadHash === hash ? ack(id, stored.reply) : mismatch(id);
}

/**
 * The replies a writer remembers and the commands it is running, by key (the player writer keys by
 * command id, the serial writer by actor and id); the answer on the wire carries the `id` given.
 */
export class Idempotency {
  #replies: RecentReplies;
  readonly #inflight = new Map<string, { hash: string; reply: Promise<Reply> }>();

  constructor(replies: Iterable<[string, StoredReply]> = []) {
    this.#replies = new RecentReplies(replies);
  }

  /** The answer already known for `key`: remembered, or the reply of the same command running
   *  now; undefined when the command must run. */
  known(key: string, id: string, hash: string): Promise<Reply> | undefined {
    const stored = this.#replies.get(key);
    if (stored) return Promise.resolve(answerStored(id, hash, stored));
    const inflight = this.#inflight.get(key);
    if (inflight) return inflight.hash === hash ? inflight.reply : Promise.resolve(mismatch(id));
    return undefined;
  }

  /** The remembered answer only (not one in flight): after a failed commit, before reading storage. */
  remembered(key: string, id: string, hash: string): Reply | undefined {
    const stored = this.#replies.get(key);
    return stored && answerStored(id, hash, stored);
  }

  /** `reply` is the running command's under `key` until it settles; returns it. */
  running(key: string, hash: string, reply: Promise<Reply>): Promise<Reply> {
    this.#inflight.set(key, { hash, reply });
    // The caller sees a rejection through `reply`; this copy only tidies up.
    void reply.finally(() => {
      if (this.#inflight.get(key)?.reply === reply) this.#inflight.delete(key);
    }).catch(() => undefined);
    return reply;
  }

  /** A committed command's reply, for its retries. */
  remember(key: string, hash: string, reply: unknown): void {
    this.#replies.set(key, { payloadHash: hash, reply });
  }

  /** Forgets what was remembered for what storage holds now (a writer reloaded). */
  reset(replies: Iterable<[string, StoredReply]>): void {
    this.#replies = new RecentReplies(replies);
  }
}
