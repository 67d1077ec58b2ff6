// events.sync in every room: a page of one stream's committed events from the outbox, read within
// the process' limit on sync reads (syncReadLimit, server/store/outboxReader.ts), so that many
// clients syncing at once (a reconnect storm) leave pool connections to commits and joins.
import type { LimitFunction } from 'p-limit';
import type { Streams } from '../core/ports.ts';
import { ack, nack, type Reply } from './replies.ts';

/**
 * The reply to an events.sync of `stream` after `afterSeq`: the events up to `head()` (the room's
 * committed head, read once the page is in), or the snapshot answer when retention removed events
 * the client has not seen.
 */
export async function syncReply(streams: Streams, syncReads: LimitFunction, id: string, stream: string, afterSeq: number, head: () => number): Promise<Reply> {
  try {
    const { events, oldestSeq } = await syncReads(() => streams.read(stream, afterSeq));
    const seq = head();
    if (oldestSeq !== null && afterSeq + 1 < oldestSeq) return ack(id, { snapshot: true, seq });
    return ack(id, { events: events.filter((e) => e.seq <= seq), seq });
  } catch {
    // Storage refused the read: retryable, the client asks again (never "no events").
    return nack(id, 'UNAVAILABLE', 'events could not be read from storage; try events.sync again', true);
  }
}
