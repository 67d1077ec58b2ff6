// Commands waiting for their one reply. Each keeps its id for its whole life: it is sent again,
// unchanged, after a timeout, after a reconnect, and after a retryable nack (UNAVAILABLE,
// RATE_LIMITED), so the server's idempotency record answers a retry without a second effect.
import type { Ack, Nack } from '../../../shared/protocol.ts';
import { CommandError } from './commandError.ts';
import { newCommandId } from './commandId.ts';

/** Sends a message on the current socket; false when there is none (offline: wait for resendAll). */
export type Transmit = (type: string, payload: Record<string, unknown>) => boolean;

type Pending = {
  type: string;
  payload: Record<string, unknown>;
  retryableNacks: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
};

export const RETRY_AFTER_MS = 4000;
/** Retryable nacks in a row before the command gives up and shows the server's sentence. */
const MAX_RETRYABLE_NACKS = 4;

export class PendingCommands {
  readonly #pending = new Map<string, Pending>();
  readonly #transmit: Transmit;
  readonly #onChange: (count: number) => void;

  constructor(transmit: Transmit, onChange: (count: number) => void = () => {}) {
    this.#transmit = transmit;
    this.#onChange = onChange;
  }

  get size(): number {
    return this.#pending.size;
  }

  send<R>(type: string, fields: Record<string, unknown> = {}): Promise<R> {
    const id = newCommandId();
    return new Promise<R>((resolve, reject) => {
      const entry: Pending = { type, payload: { id, ...fields }, retryableNacks: 0, timer: undefined, resolve: resolve as (r: unknown) => void, reject };
      this.#pending.set(id, entry);
      this.#onChange(this.#pending.size);
      this.#attempt(entry);
    });
  }

  ack(ack: Ack): void {
    const entry = this.#take(ack.id);
    entry?.resolve(ack.result);
  }

  nack(nack: Nack): void {
    if (nack.id === null) return;
    const entry = this.#pending.get(nack.id);
    if (!entry) return;
    if (nack.retryable && entry.retryableNacks < MAX_RETRYABLE_NACKS) {
      entry.retryableNacks += 1;
      this.#schedule(entry);
      return;
    }
    this.#take(nack.id)?.reject(new CommandError(nack));
  }

  /** After a reconnect: every command still waiting goes out again with its id. */
  resendAll(): void {
    for (const entry of this.#pending.values()) this.#attempt(entry);
  }

  /** The link is closed for good (sign-out, kick): nothing will answer these. */
  failAll(message: string): void {
    for (const id of [...this.#pending.keys()]) this.#take(id)?.reject(new CommandError({ code: 'UNAVAILABLE', message, retryable: false }));
  }

  #attempt(entry: Pending): void {
    this.#transmit(entry.type, entry.payload);
    this.#schedule(entry);
  }

  #schedule(entry: Pending): void {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.#attempt(entry), RETRY_AFTER_MS);
  }

  #take(id: string): Pending | undefined {
    const entry = this.#pending.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.#pending.delete(id);
    this.#onChange(this.#pending.size);
    return entry;
  }
}
