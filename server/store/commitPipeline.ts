// One per process (INV-2, INV-3, docs/ARCHITECTURE.md): rooms hand over mutations, the pipeline commits them in
// batches of one PostgreSQL transaction each, and each submit() settles only after its batch
// committed (or definitely did not). A batch starts as soon as there is work and a free slot: no
// fixed wait at low load, a size bound at high load. Up to `concurrentBatches` batches are in
// flight at once so that one batch's round trips overlap the next one's; a writer is in at most
// one of them, which keeps each room's mutations committing in the order they were submitted.
import { setTimeout as wait } from 'node:timers/promises';
import type { Faults } from '../faults.ts';
import { checkMutation, writeBatch } from './batchStatements.ts';
import { CommitFailed, type Mutation, writerKey } from './mutation.ts';
import { isSoldOut, isTransient, type Sql, type Statement } from './sql.ts';

export type PipelineOptions = {
  maxBatch: number;
  concurrentBatches: number;
  /** Attempts for a batch that fails with a transient error (connection lost, deadlock, ...). */
  maxAttempts: number;
  retryBaseMs: number;
  /** Test-only crash points around the commit (server/faults.ts); absent in normal runs. */
  faults?: Faults;
};

export type PipelineObserver = {
  batchCommitted(size: number, seconds: number): void;
  queueDepth(depth: number): void;
  retried(error: unknown): void;
  failed(reason: CommitFailed['reason'], error: unknown): void;
};

type Pending = { mutation: Mutation; resolve: () => void; reject: (error: CommitFailed) => void };

export const defaultPipelineOptions: PipelineOptions = { maxBatch: 256, concurrentBatches: 2, maxAttempts: 6, retryBaseMs: 25 };

export class CommitPipeline {
  readonly #sql: Sql;
  readonly #statement: Statement;
  readonly #options: PipelineOptions;
  readonly #observer: PipelineObserver | undefined;
  #queue: Pending[] = [];
  #scheduled = false;
  #inflight = 0;
  /** Writer accounts with a mutation in a batch in flight. */
  readonly #busy = new Set<string>();
  #idleWaiters: Array<() => void> = [];
  /** Every submission not settled yet, queued or in a batch in flight. */
  readonly #unsettled = new Set<Pending>();
  #closed = false;
  #draining: Promise<number> | undefined;
  /** Writers (account@epoch) that had a mutation fail: their later mutations were computed on
   *  top of it, so they must fail too, never commit on their own. */
  readonly #poisoned = new Set<string>();

  /** `statement`: batchStatement(orm.getMetadata()), the batch SQL named by the entities. */
  constructor(sql: Sql, statement: Statement, options: Partial<PipelineOptions> = {}, observer?: PipelineObserver) {
    this.#sql = sql;
    this.#statement = statement;
    this.#options = { ...defaultPipelineOptions, ...options };
    this.#observer = observer;
  }

  get depth(): number {
    return this.#queue.length;
  }

  submit(mutation: Mutation): Promise<void> {
    return new Promise((settleOk, settleFailed) => {
      const pending: Pending = {
        mutation,
        resolve: () => (this.#unsettled.delete(pending), settleOk()),
        reject: (error) => (this.#unsettled.delete(pending), settleFailed(error)),
      };
      if (this.#closed) {
        this.#reject(pending, 'unavailable', new Error('the server is shutting down'));
        return;
      }
      try {
        checkMutation(mutation);
      } catch (error) {
        this.#reject(pending, 'rejected', error);
        return;
      }
      this.#unsettled.add(pending);
      this.#queue.push(pending);
      this.#observer?.queueDepth(this.#queue.length);
      if (!this.#scheduled) {
        // Gather everything submitted in this turn of the event loop into one batch.
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Resolves when everything submitted so far has settled. */
  flush(): Promise<void> {
    if (this.#queue.length === 0 && this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Shutdown: refuses new work, lets what was submitted commit for up to `graceMs`, then fails
   * whatever has not settled as `unavailable`. Those commands were never acknowledged (an ack
   * waits for its commit), so their clients resend them with the same id, and a batch whose
   * COMMIT still lands is answered from its stored replies. Resolves to the number given up.
   */
  drain(graceMs: number): Promise<number> {
    this.#closed = true;
    this.#draining ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([this.flush(), expired]);
      clearTimeout(timer);
      const abandoned = [...this.#unsettled];
      this.#queue = [];
      for (const p of abandoned) this.#reject(p, 'unavailable', new Error('the server shut down before this command committed'));
      return abandoned.length;
    })();
    return this.#draining;
  }

  /** A writer that reloaded under a new epoch starts clean. */
  forgetWriter(account: string, epoch: number): void {
    this.#poisoned.delete(writerKey({ account, epoch }));
  }

  #pump(): void {
    while (this.#inflight < this.#options.concurrentBatches) {
      const batch = this.#take();
      if (batch.length === 0) break;
      this.#inflight++;
      for (const p of batch) this.#busy.add(p.mutation.writer.account);
      void this.#commit(batch).finally(() => {
        this.#inflight--;
        for (const p of batch) this.#busy.delete(p.mutation.writer.account);
        this.#pump();
      });
    }
    this.#observer?.queueDepth(this.#queue.length);
    if (this.#queue.length === 0 && this.#inflight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Up to maxBatch queued mutations whose writers have nothing in flight, in submission order. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.#queue) {
      if (batch.length < this.#options.maxBatch && !this.#busy.has(p.mutation.writer.account)) batch.push(p);
      else rest.push(p);
    }
    this.#queue = rest;
    return batch;
  }

  async #commit(batch: Pending[]): Promise<void> {
    const live = this.#dropPoisoned(batch);
    for (let attempt = 1; live.length > 0; attempt++) {
      const started = performance.now();
      for (const p of live) this.#options.faults?.at('before-commit', p.mutation.command?.commandId);
      try {
        const lost = new Set(await writeBatch(this.#sql, this.#statement, live.map((p) => p.mutation)));
        for (const p of live) this.#options.faults?.at('after-commit', p.mutation.command?.commandId);
        this.#observer?.batchCommitted(live.length, (performance.now() - started) / 1000);
        const committed = this.#fail(live, (p) => lost.has(p.mutation.writer.account), 'fenced', new Error('writer epoch is stale'));
        for (const p of committed) p.resolve();
        return;
      } catch (error) {
        if (isTransient(error) && attempt < this.#options.maxAttempts) {
          this.#observer?.retried(error);
          await wait(this.#options.retryBaseMs * 2 ** (attempt - 1));
          continue;
        }
        if (isTransient(error)) {
          this.#fail(live, () => true, 'unavailable', error);
          return;
        }
        // A constraint or a bug in one mutation: find it by committing one at a time.
        await this.#commitOneByOne(live);
        return;
      }
    }
  }

  async #commitOneByOne(batch: Pending[]): Promise<void> {
    for (const p of batch) {
      if (this.#poisoned.has(writerKey(p.mutation.writer))) {
        this.#reject(p, 'rejected', new Error('an earlier command of this room failed'));
        continue;
      }
      try {
        const lost = await writeBatch(this.#sql, this.#statement, [p.mutation]);
        if (lost.length > 0) this.#reject(p, 'fenced', new Error('writer epoch is stale'));
        else p.resolve();
      } catch (error) {
        this.#reject(p, isTransient(error) ? 'unavailable' : isSoldOut(error) ? 'soldOut' : 'rejected', error);
      }
    }
  }

  #dropPoisoned(batch: Pending[]): Pending[] {
    return this.#fail(batch, (p) => this.#poisoned.has(writerKey(p.mutation.writer)), 'rejected', new Error('an earlier command of this room failed'));
  }

  /** Rejects the matching pending mutations (and poisons their writers); returns the rest. */
  #fail(batch: Pending[], matches: (p: Pending) => boolean, reason: CommitFailed['reason'], error: unknown): Pending[] {
    const failedWriters = new Set(batch.filter(matches).map((p) => writerKey(p.mutation.writer)));
    const rest: Pending[] = [];
    for (const p of batch) {
      if (failedWriters.has(writerKey(p.mutation.writer))) this.#reject(p, reason, error);
      else rest.push(p);
    }
    return rest;
  }

  #reject(p: Pending, reason: CommitFailed['reason'], error: unknown): void {
    this.#poisoned.add(writerKey(p.mutation.writer));
    this.#observer?.failed(reason, error);
    const messages: Record<CommitFailed['reason'], string> = {
      fenced: 'another room took over this account',
      unavailable: 'storage is unavailable',
      rejected: 'the command could not be committed',
      soldOut: 'the item sold out before this purchase could be saved',
    };
    const message = messages[reason];
    p.reject(new CommitFailed(reason, message, { cause: error }));
  }
}
