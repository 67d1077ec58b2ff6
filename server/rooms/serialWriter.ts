// The fenced writer of a shared room (board, crash table, admin): one command at a time, each
// decided on the committed state, committed in its own fenced transaction with its events and its
// reply, and applied to memory only after the commit. Shared rooms see a few commands per second,
// far from needing the player rooms' group commit.
import type { WireEvent } from '../../shared/protocol.ts';
import type { Clock } from '../domain/clock.ts';
import type { Faults } from '../faults.ts';
import { DomainError } from '../domain/errors.ts';
import type { DomainEvent } from '../domain/player.ts';
import type { Logger } from '../observability/logger.ts';
import { CommitFailed } from '../store/mutation.ts';
import { findReply } from '../store/playerStore.ts';
import { commitFenced } from '../store/roomFence.ts';
import type { Queryable, Sql } from '../store/sql.ts';
import { insertEvents, insertReply } from '../store/streamStore.ts';
import type { Fence, FenceWatch } from './fenceWatch.ts';
import { RecentReplies } from './recentReplies.ts';
import { ack, failureReply, nack, type Reply } from './replies.ts';

export type SerialDeps = { sql: Sql; clock: Clock; logger: Logger; fenceWatch: FenceWatch; faults?: Faults };

/** What a shared-room command decided: the reply, the events, what must happen before its
 *  transaction (a call to another room, which commits on its own), its own writes and, after the
 *  commit, how memory changes. */
export type SharedDecision<R> = {
  result: R;
  events: DomainEvent[];
  /** Runs before the transaction opens: no remote call ever waits inside a transaction, which
   *  would hold a connection (the only one, in embedded mode) and a row lock while it waits. */
  prepare?: () => Promise<void>;
  write?: (trx: Queryable) => Promise<void>;
  apply?: () => void;
};

export type SerialHooks = {
  committed(events: WireEvent[]): void;
  fenced(): void;
  /** After a commit whose outcome is unknown: reload memory, return the stream's head seq. */
  reload(): Promise<number>;
};

export class SerialWriter {
  readonly #deps: SerialDeps;
  readonly #writerId: string;
  readonly #stream: string;
  readonly #hooks: SerialHooks;
  #epoch: number;
  #seq: number;
  #fenced = false;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #replies = new RecentReplies();
  readonly #inflight = new Map<string, { hash: string; reply: Promise<Reply> }>();
  readonly #unwatch: () => void;

  constructor(deps: SerialDeps, writerId: string, stream: string, epoch: number, seq: number, hooks: SerialHooks) {
    this.#deps = deps;
    this.#writerId = writerId;
    this.#stream = stream;
    this.#epoch = epoch;
    this.#seq = seq;
    this.#hooks = hooks;
    // An idle room learns from the watch that a newer room took its fence (fenceWatch.ts).
    this.#unwatch = deps.fenceWatch.watch(this);
  }

  get fence(): Fence {
    return { on: 'roomWriter', id: this.#writerId };
  }

  /** The epoch held, or undefined once fenced (nothing left to watch). */
  get settledEpoch(): number | undefined {
    return this.#fenced ? undefined : this.#epoch;
  }

  /** A newer room took the fence: commit nothing more, send the clients there (once). */
  fenceTaken(): void {
    if (this.#fenced) return;
    this.#fenced = true;
    this.#hooks.fenced();
  }

  /** The stream's committed head. */
  get seq(): number {
    return this.#seq;
  }

  get stream(): string {
    return this.#stream;
  }

  /** Runs a command once per (actor, id); `decide` runs when the command's turn comes. */
  run(actor: string, id: string, hash: string, decide: () => SharedDecision<unknown>): Promise<Reply> {
    const recordId = `${this.#stream}:${id}`;
    const key = `${actor}\u0000${recordId}`;
    const stored = this.#replies.get(key);
    if (stored) return Promise.resolve(stored.payloadHash === hash ? ack(id, stored.reply) : mismatch(id));
    const inflight = this.#inflight.get(key);
    if (inflight) return inflight.hash === hash ? inflight.reply : Promise.resolve(mismatch(id));
    const reply = this.#enqueue(() => this.#execute(actor, id, recordId, hash, decide));
    this.#inflight.set(key, { hash, reply });
    void reply.finally(() => this.#inflight.delete(key));
    return reply;
  }

  #enqueue(work: () => Promise<Reply>): Promise<Reply> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #execute(actor: string, id: string, recordId: string, hash: string, decide: () => SharedDecision<unknown>): Promise<Reply> {
    if (this.#fenced) return nack(id, 'UNAVAILABLE', 'this room was replaced by a newer one; join again and resend with the same id', true);
    const earlier = await findReply(this.#deps.sql, actor, recordId).catch(() => undefined);
    if (earlier) return earlier.payloadHash === hash ? ack(id, earlier.reply) : mismatch(id);
    let decision: SharedDecision<unknown>;
    try {
      decision = decide();
    } catch (error) {
      return failureReply(id, error, this.#deps.logger, { writer: this.#writerId, actor });
    }
    try {
      await decision.prepare?.();
    } catch (error) {
      return failureReply(id, error, this.#deps.logger, { writer: this.#writerId, actor });
    }
    const at = new Date(this.#deps.clock.now()).toISOString();
    const events: WireEvent[] = decision.events.map((e, i) => ({ stream: this.#stream, seq: this.#seq + i + 1, type: e.type, at, data: e.data }));
    try {
      await commitFenced(this.#deps.sql, this.#writerId, this.#epoch, async (trx) => {
        // The command's own writes first: they may complete the result (e.g. a balance another
        // room returned) before it is stored as the reply.
        await decision.write?.(trx);
        await insertEvents(this.#deps.sql, trx, events);
        await insertReply(this.#deps.sql, trx, actor, recordId, hash, decision.result);
      });
      // Test-only: the answer to a commit that happened is lost on the way (tests/crash.room.test.ts).
      this.#deps.faults?.at('answer-lost', id);
    } catch (error) {
      return this.#afterFailedCommit(actor, id, recordId, hash, error);
    }
    this.#seq += events.length;
    decision.apply?.();
    this.#replies.set(`${actor}\u0000${recordId}`, { payloadHash: hash, reply: decision.result });
    this.#hooks.committed(events);
    return ack(id, decision.result);
  }

  async #afterFailedCommit(actor: string, id: string, recordId: string, hash: string, error: unknown): Promise<Reply> {
    if (error instanceof DomainError) return failureReply(id, error, this.#deps.logger, {});
    if (error instanceof CommitFailed && error.reason === 'fenced') {
      this.fenceTaken();
      return nack(id, 'UNAVAILABLE', 'this room was replaced by a newer one; join again and resend with the same id', true);
    }
    // The commit may have happened (a connection lost after COMMIT): reload, then answer from the
    // stored reply if there is one.
    try {
      this.#seq = await this.#hooks.reload();
      const stored = await findReply(this.#deps.sql, actor, recordId);
      if (stored) return stored.payloadHash === hash ? ack(id, stored.reply) : mismatch(id);
    } catch (reloadError) {
      this.#deps.logger.warn({ writer: this.#writerId, err: reloadError }, 'reload after a failed commit failed');
    }
    return failureReply(id, error, this.#deps.logger, { writer: this.#writerId, actor });
  }

  dispose(): void {
    this.#fenced = true;
    this.#unwatch();
  }
}

function mismatch(id: string): Reply {
  return nack(id, 'IDEMPOTENCY_MISMATCH', 'this id was already used for a different command; use a new id for a new command');
}

