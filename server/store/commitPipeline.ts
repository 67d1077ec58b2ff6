// One per process (DESIGN.md rules 2-4): rooms hand over mutations, the pipeline commits them in
// batches of one PostgreSQL transaction each, and each submit() settles only after its batch
// committed (or definitely did not). The next batch starts as soon as the previous one finished:
// no fixed wait at low load, a size bound at high load.
import { setTimeout as wait } from 'node:timers/promises';
import { FenceLost, writeBatch } from './batchStatements.ts';
import { CommitFailed, type Mutation, writerKey } from './mutation.ts';
import { isTransient, type Sql } from './sql.ts';

export type PipelineOptions = {
  maxBatch: number;
  /** Attempts for a batch that fails with a transient error (connection lost, deadlock, ...). */
  maxAttempts: number;
  retryBaseMs: number;
};

export type PipelineObserver = {
  batchCommitted(size: number, seconds: number): void;
  queueDepth(depth: number): void;
  retried(error: unknown): void;
  failed(reason: CommitFailed['reason'], error: unknown): void;
};

type Pending = { mutation: Mutation; resolve: () => void; reject: (error: CommitFailed) => void };

export const defaultPipelineOptions: PipelineOptions = { maxBatch: 256, maxAttempts: 6, retryBaseMs: 25 };

export class CommitPipeline {
  readonly #sql: Sql;
  readonly #options: PipelineOptions;
  readonly #observer: PipelineObserver | undefined;
  #queue: Pending[] = [];
  #running: Promise<void> | null = null;
  /** Writers (account@epoch) that had a mutation fail: their later mutations were computed on
   *  top of it, so they must fail too, never commit on their own. */
  readonly #poisoned = new Set<string>();

  constructor(sql: Sql, options: Partial<PipelineOptions> = {}, observer?: PipelineObserver) {
    this.#sql = sql;
    this.#options = { ...defaultPipelineOptions, ...options };
    this.#observer = observer;
  }

  get depth(): number {
    return this.#queue.length;
  }

  submit(mutation: Mutation): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ mutation, resolve, reject });
      this.#observer?.queueDepth(this.#queue.length);
      // Gather everything submitted in this turn of the event loop into the first batch.
      this.#running ??= new Promise<void>((r) => setImmediate(r)).then(() => this.#drain());
    });
  }

  /** Resolves when everything submitted so far has settled. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** A writer that reloaded under a new epoch starts clean. */
  forgetWriter(account: string, epoch: number): void {
    this.#poisoned.delete(writerKey({ account, epoch }));
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#options.maxBatch);
        this.#observer?.queueDepth(this.#queue.length);
        await this.#commit(batch);
      }
    } finally {
      this.#running = null;
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    let live = this.#dropPoisoned(batch);
    for (let attempt = 1; live.length > 0; attempt++) {
      const started = performance.now();
      try {
        await this.#sql.transaction((trx) => writeBatch(this.#sql, trx, live.map((p) => p.mutation)));
        this.#observer?.batchCommitted(live.length, (performance.now() - started) / 1000);
        for (const p of live) p.resolve();
        return;
      } catch (error) {
        if (error instanceof FenceLost) {
          const lost = new Set(error.accounts);
          live = this.#fail(live, (p) => lost.has(p.mutation.writer.account), 'fenced', error);
          continue;
        }
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
        await this.#sql.transaction((trx) => writeBatch(this.#sql, trx, [p.mutation]));
        p.resolve();
      } catch (error) {
        const reason = error instanceof FenceLost ? 'fenced' : isTransient(error) ? 'unavailable' : 'rejected';
        this.#reject(p, reason, error);
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
    const message =
      reason === 'fenced'
        ? 'another room took over this account'
        : reason === 'unavailable'
          ? 'storage is unavailable'
          : 'the command could not be committed';
    p.reject(new CommitFailed(reason, message, { cause: error }));
  }
}
