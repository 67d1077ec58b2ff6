// The fenced writer of a shared room (board, crash table, admin): commands in arrival order, each
// decided on the committed state, committed in a fenced transaction with its events and its reply,
// and applied to memory only after the commit. Most commands run one at a time. Commands a room
// marks `independent` (crash bets and cash-outs: each decided on its own player's bet alone) run
// in groups: up to MAX_GROUP waiting ones of distinct actors are decided in order, their remote
// calls (the stakes, taken by the players' own rooms) made together, and they commit in one
// transaction. A table where a hundred players bet as a round opens took a hundred transactions
// one after another (bet p99 540 ms; BENCHMARKS.md, "Crash bets in groups"); now it takes a few.
// The room's own commands (a crash table's phases) never wait behind players' commands, and each
// player has at most MAX_WAITING_PER_ACTOR commands waiting: one account flooding a table can
// neither stretch its phases nor grow its queue (docs/PROTOCOL.md, "Limits").
import type { WireEvent } from '../../shared/protocol.ts';
import type { Clock } from '../domain/clock.ts';
import type { Faults } from '../faults.ts';
import { DomainError } from '../domain/errors.ts';
import type { DomainEvent } from '../domain/player.ts';
import type { Logger } from '../observability/logger.ts';
import type { CommandKey, SerialWriterStore, StoredReply } from '../core/ports.ts';
import { CommitFailed } from '../store/mutation.ts';
import type { Queryable, Sql } from '../store/sql.ts';
import type { Fence, FenceWatch } from '../jobs/fenceWatch.ts';
import { answerStored, Idempotency } from './idempotency.ts';
import { ack, failureReply, nack, replaced, type Reply } from './replies.ts';

/** `store`: its storage, behind ports (server/core/ports.ts); `Tx` is what the commands' own
 *  writes get inside its transaction (a connection on PostgreSQL and PGlite). */
export type SerialWriterDeps<Tx = Queryable> = { store: SerialWriterStore<Tx>; clock: Clock; logger: Logger; fenceWatch: FenceWatch; faults?: Faults };

/** What a shared room's deps start from: the writer's, and the Sql its own writes take. */
export type SerialDeps = SerialWriterDeps & { sql: Sql };

/** What a shared-room command decided: the reply, the events, what must happen before its
 *  transaction (a call to another room, which commits on its own), its own writes and, after the
 *  commit, how memory changes. */
export type SharedDecision<R, P = never, Tx = Queryable> = {
  result: R;
  events: DomainEvent[];
  /** Runs before the transaction opens: no remote call ever waits inside a transaction, which
   *  would hold a connection (the only one, in embedded mode) and a row lock while it waits. */
  prepare?: () => Promise<void>;
  write?: (trx: Tx) => Promise<void>;
  /** This command's share of its RunMode's `writeAll`, written with the others of its group. */
  part?: P;
  apply?: () => void;
};

/**
 * How a command may run: alone (the default), or `independent`: its decision reads only what no
 * other actor's command changes, and its `apply` composes with theirs in any order. `writeAll`
 * writes the `part`s of the commands committed together in one go (one statement, not one each).
 */
export type RunMode<P = never, Tx = Queryable> = {
  independent?: boolean;
  writeAll?: (trx: Tx, parts: P[]) => Promise<void>;
  /**
   * The room's own command (a crash table's phase): it runs before every waiting player command
   * and is never refused for a full queue. A flood of players' commands queued ahead of a phase
   * commit made a 2 s betting phase last 28 s.
   */
  own?: boolean;
};

/** Waiting independent commands committed in one transaction at most. */
export const MAX_GROUP = 64;

/**
 * Commands of one actor waiting for their turn (not counting the one running). More are refused
 * RATE_LIMITED (retryable) at once, taking no turn: a player's next command waits behind its
 * previous anyway, and the queue (its memory, the wait of the others) stays bounded by the number
 * of actors. Above the few a client sends without waiting (a bet retried twice in one burst).
 */
export const MAX_WAITING_PER_ACTOR = 8;

type Job<Tx> = { actor: string; id: string; recordId: string; hash: string; decide: () => SharedDecision<unknown, unknown, Tx>; mode: RunMode<unknown, Tx>; settle: (reply: Promise<Reply>) => void };
type Decided<Tx> = { job: Job<Tx>; decision: SharedDecision<unknown, unknown, Tx>; events: WireEvent[] };

export type SerialHooks = {
  committed(events: WireEvent[]): void;
  fenced(): void;
  /** After a commit whose outcome is unknown: reload memory, return the stream's head seq. */
  reload(): Promise<number>;
};

export class SerialWriter<Tx = Queryable> {
  readonly #deps: SerialWriterDeps<Tx>;
  readonly #writerId: string;
  readonly #stream: string;
  readonly #hooks: SerialHooks;
  #epoch: number;
  #seq: number;
  #fenced = false;
  /** The room's own commands (RunMode.own), ahead of the players'. */
  readonly #own: Array<Job<Tx>> = [];
  readonly #queue: Array<Job<Tx>> = [];
  /** Waiting commands per actor in #queue (MAX_WAITING_PER_ACTOR). */
  readonly #waiting = new Map<string, number>();
  #draining = false;
  /** Keyed by actor and record id: two players' ids never meet. */
  readonly #idempotency = new Idempotency();
  readonly #unwatch: () => void;

  constructor(deps: SerialWriterDeps<Tx>, writerId: string, stream: string, epoch: number, seq: number, hooks: SerialHooks) {
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
  run<P>(actor: string, id: string, hash: string, decide: () => SharedDecision<unknown, P, Tx>, mode: RunMode<P, Tx> = {}): Promise<Reply> {
    const recordId = `${this.#stream}:${id}`;
    const key = keyOf(actor, recordId);
    const known = this.#idempotency.known(key, id, hash);
    if (known) return known;
    const waiting = this.#waiting.get(actor) ?? 0;
    if (!mode.own && waiting >= MAX_WAITING_PER_ACTOR) return Promise.resolve(busy(id));
    const reply = new Promise<Reply>((settle) => {
      const job = { actor, id, recordId, hash, decide, mode: mode as RunMode<unknown, Tx>, settle };
      if (mode.own) return void this.#own.push(job);
      this.#queue.push(job);
      this.#waiting.set(actor, waiting + 1);
    });
    this.#idempotency.running(key, hash, reply);
    void this.#drain();
    return reply;
  }

  /** Works the queue off, a command or a group at a time, until it is empty. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#own.length > 0 || this.#queue.length > 0) {
        const group = this.#nextGroup();
        const replies = this.#execute(group);
        group.forEach((job, i) => job.settle(replies.then((all) => all[i])));
        // A rejection reaches the callers through settle; the queue goes on.
        await replies.catch(() => undefined);
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * The room's own next command, or else the next player command with the independent ones of
   * other actors waiting behind it, up to the first command that must run alone. An actor's second
   * (and later) command stays in the queue in its place: each actor's commands keep their order,
   * and independent commands of different actors commute, so one player's burst does not cut
   * the others' group short.
   */
  #nextGroup(): Array<Job<Tx>> {
    const own = this.#own.shift();
    if (own) return [own];
    const first = this.#take(0);
    if (!first.mode.independent) return [first];
    const group = [first];
    const actors = new Set([first.actor]);
    // Bounded: the queue holds at most MAX_WAITING_PER_ACTOR commands of each actor.
    for (let i = 0; group.length < MAX_GROUP && i < this.#queue.length; ) {
      const next = this.#queue[i]!;
      if (!next.mode.independent) break;
      if (actors.has(next.actor)) {
        i++;
        continue;
      }
      actors.add(next.actor);
      group.push(this.#take(i));
    }
    return group;
  }

  /** Takes the queue's `i`th command out, counting it off its actor's waiting ones. */
  #take(i: number): Job<Tx> {
    const [job] = this.#queue.splice(i, 1) as [Job<Tx>];
    const waiting = (this.#waiting.get(job.actor) ?? 1) - 1;
    if (waiting <= 0) this.#waiting.delete(job.actor);
    else this.#waiting.set(job.actor, waiting);
    return job;
  }

  /**
   * One command, or a group of independent ones of distinct actors: decided in order, their remote
   * calls made together, committed in one transaction with their events and replies, applied to
   * memory after the commit in the same order.
   */
  async #execute(jobs: Array<Job<Tx>>): Promise<Reply[]> {
    if (this.#fenced) return jobs.map((job) => replaced(job.id));
    const replies = new Map<Job<Tx>, Reply>();
    const answered = () => jobs.map((job) => replies.get(job)!);
    const refuse = (job: Job<Tx>, error: unknown) => replies.set(job, this.#failed(job, error));
    let earlier: Array<StoredReply | undefined>;
    try {
      earlier = await this.#deps.store.replies.findMany(keysOf(jobs));
    } catch (error) {
      // Storage refused the read: nothing is decided or staked; each command may be sent again.
      return jobs.map((job) => this.#failed(job, error));
    }
    const decided: Array<Decided<Tx>> = [];
    jobs.forEach((job, i) => {
      const stored = earlier[i];
      if (stored) return void replies.set(job, answerStored(job.id, job.hash, stored));
      try {
        decided.push({ job, decision: job.decide(), events: [] });
      } catch (error) {
        refuse(job, error);
      }
    });
    // A command whose remote call fails is refused and writes nothing; the others go on.
    const prepared = await Promise.all(decided.map(({ decision }) => (decision.prepare?.() ?? Promise.resolve()).then(() => undefined, (error: unknown) => ({ error }))));
    const ready = decided.filter((d, i) => {
      const failed = prepared[i];
      if (failed) refuse(d.job, failed.error);
      return !failed;
    });
    if (ready.length === 0) return answered();
    const at = new Date(this.#deps.clock.now()).toISOString();
    let seq = this.#seq;
    for (const d of ready) d.events = d.decision.events.map((e) => ({ stream: this.#stream, seq: ++seq, type: e.type, at, data: e.data }));
    const events = ready.flatMap((d) => d.events);
    try {
      // The commands' own writes first: they may complete a result (e.g. a balance another room
      // returned) before it is stored as the reply (FencedCommits stores the replies after them).
      const work = async (trx: Tx) => {
        for (const { decision } of ready) await decision.write?.(trx);
        for (const [writeAll, parts] of partsByWriter(ready)) await writeAll(trx, parts);
      };
      const records = ready.map(({ job, decision }) => ({ actor: job.actor, commandId: job.recordId, payloadHash: job.hash, reply: decision.result }));
      await this.#deps.store.commits.commit(this.#writerId, this.#epoch, work, { events, replies: records });
      // Test-only: the answer to a commit that happened is lost on the way (tests/crash.room.test.ts).
      for (const { job } of ready) this.#deps.faults?.at('answer-lost', job.id);
    } catch (error) {
      for (const [job, reply] of await this.#afterFailedCommit(ready.map((d) => d.job), error)) replies.set(job, reply);
      return answered();
    }
    this.#seq = seq;
    for (const { job, decision } of ready) {
      decision.apply?.();
      this.#idempotency.remember(keyOf(job.actor, job.recordId), job.hash, decision.result);
      replies.set(job, ack(job.id, decision.result));
    }
    this.#hooks.committed(events);
    return answered();
  }

  /**
   * The transaction failed. A refusal from a group's own writes: each command again on its own, so
   * only the one it concerns is refused (remote calls are idempotent by command id: a stake taken
   * already answers with its stored reply). Fenced: every command goes to the newer room.
   * Otherwise the commit may have happened (a connection lost after COMMIT): reload once, then
   * answer each command from its stored reply if there is one.
   */
  async #afterFailedCommit(jobs: Array<Job<Tx>>, error: unknown): Promise<Array<[Job<Tx>, Reply]>> {
    const failed = (job: Job<Tx>): [Job<Tx>, Reply] => [job, this.#failed(job, error)];
    if (error instanceof DomainError) {
      if (jobs.length === 1) return [failed(jobs[0])];
      const replies: Array<[Job<Tx>, Reply]> = [];
      for (const job of jobs) replies.push([job, (await this.#execute([job]))[0]]);
      return replies;
    }
    if (error instanceof CommitFailed && error.reason === 'fenced') {
      this.fenceTaken();
      return jobs.map((job) => [job, replaced(job.id)]);
    }
    try {
      this.#seq = await this.#hooks.reload();
      const stored = await this.#deps.store.replies.findMany(keysOf(jobs));
      return jobs.map((job, i) => {
        const found = stored[i];
        return found ? [job, answerStored(job.id, job.hash, found)] : failed(job);
      });
    } catch (reloadError) {
      this.#deps.logger.warn({ writer: this.#writerId, err: reloadError }, 'reload after a failed commit failed');
      return jobs.map(failed);
    }
  }

  #failed(job: Job<Tx>, error: unknown): Reply {
    return failureReply(job.id, error, this.#deps.logger, { writer: this.#writerId, actor: job.actor });
  }

  dispose(): void {
    this.#fenced = true;
    this.#unwatch();
  }
}

function keyOf(actor: string, recordId: string): string {
  return `${actor}\u0000${recordId}`;
}

function keysOf<Tx>(jobs: ReadonlyArray<Job<Tx>>): CommandKey[] {
  return jobs.map((job) => ({ actor: job.actor, commandId: job.recordId }));
}

/** The `part`s of the group's commands, by the `writeAll` that writes them, in order. */
function partsByWriter<Tx>(ready: ReadonlyArray<Decided<Tx>>): Map<NonNullable<RunMode<unknown, Tx>['writeAll']>, unknown[]> {
  const byWriter = new Map<NonNullable<RunMode<unknown, Tx>['writeAll']>, unknown[]>();
  for (const { job, decision } of ready) {
    if (decision.part === undefined || !job.mode.writeAll) continue;
    const parts = byWriter.get(job.mode.writeAll) ?? [];
    parts.push(decision.part);
    byWriter.set(job.mode.writeAll, parts);
  }
  return byWriter;
}

function busy(id: string): Reply {
  return nack(id, 'RATE_LIMITED', `you have ${MAX_WAITING_PER_ACTOR} commands waiting at this table already; wait for their replies`, true);
}

