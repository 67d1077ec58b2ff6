// The last applied seq per event stream (docs/PROTOCOL.md "Events"). An event at or below it is a
// duplicate (a replay after a reconnect, a second delivery) and is dropped; one more than it is
// applied; further ahead is a gap: the room's own stream is then synced with `events.sync` and
// the early event is dropped (the sync brings it again, in order).
import type { WireEvent } from '../../../shared/protocol.ts';

export type Verdict = 'apply' | 'duplicate' | 'gap';

export class StreamCursors {
  readonly #last = new Map<string, number>();

  last(stream: string): number | undefined {
    return this.#last.get(stream);
  }

  /** First sight of a stream (the head shown in a room's state at join): older events are history. */
  startAt(stream: string, seq: number): void {
    if (!this.#last.has(stream)) this.#last.set(stream, seq);
  }

  /** Moves a stream forward without applying events (a sync answered with a snapshot). */
  skipTo(stream: string, seq: number): void {
    if ((this.#last.get(stream) ?? -1) < seq) this.#last.set(stream, seq);
  }

  /** `syncable` is false for streams this room cannot replay (announcements on `global`): gaps are accepted. */
  judge(event: WireEvent, syncable: boolean): Verdict {
    const last = this.#last.get(event.stream);
    if (last !== undefined && event.seq <= last) return 'duplicate';
    if (last !== undefined && syncable && event.seq > last + 1) return 'gap';
    this.#last.set(event.stream, event.seq);
    return 'apply';
  }
}
