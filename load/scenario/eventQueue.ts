// Events a room broadcast, waited on with a bound (a scenario must never hang on an event that
// does not come: the deadline still has to end the VU).
import type { TypedEvent } from '../../shared/registry.ts';
import type { LoadRuntime } from './runtime.ts';

export class EventQueue {
  readonly #rt: LoadRuntime;
  readonly #events: TypedEvent[] = [];
  #wake: (() => void) | undefined;

  constructor(rt: LoadRuntime) {
    this.#rt = rt;
  }

  push(event: TypedEvent): void {
    this.#events.push(event);
    this.#wake?.();
  }

  /** The oldest unread event, or undefined after `timeoutMs` without one. */
  async next(timeoutMs: number): Promise<TypedEvent | undefined> {
    if (this.#events.length === 0) {
      await new Promise<void>((resolve) => {
        const cancel = this.#rt.timer(timeoutMs, () => {
          this.#wake = undefined;
          resolve();
        });
        this.#wake = () => {
          this.#wake = undefined;
          cancel();
          resolve();
        };
      });
    }
    return this.#events.shift();
  }

  /** Drops everything unread (stale phases a slow VU no longer needs to act on). */
  drain(): TypedEvent[] {
    return this.#events.splice(0);
  }
}
