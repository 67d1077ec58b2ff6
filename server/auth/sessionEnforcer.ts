// Ending live sessions: after a kick, a ban or a revocation, every socket of that user in
// any room of any process is closed with 4403 (KICKED). The request goes through the Colyseus presence
// (Redis pub/sub in services mode, in-process otherwise) to each process, which closes the matching
// clients of its own rooms, and gives up the seats they keep for that user's dropped sockets. New
// joins, and reconnections into seats kept before, are refused by the seat check
// (server/rooms/seatCheck.ts), which reads the session (sessions.ts).
import { matchMaker } from '@colyseus/core';
import { CofferRoom } from '../rooms/roomAdapter.ts';
import type { Logger } from '../observability/logger.ts';

export type SessionEnforcer = {
  /** Subscribes this process; call once the server is listening (the presence exists then). */
  start(): void;
  /** Closes every socket of `userId` on every process. */
  end(userId: string, reason: string): Promise<void>;
  stop(): void;
};

type EndMessage = { userId: string; reason: string };

export function createSessionEnforcer(channel: string, logger: Pick<Logger, 'warn'>): SessionEnforcer {
  const onMessage = (message: EndMessage) => {
    closeLocalSockets(message.userId, message.reason).catch((error: unknown) => logger.warn({ err: error, userId: message.userId }, 'closing the sockets of an ended session failed'));
  };
  let started = false;
  return {
    start() {
      if (started) return;
      started = true;
      void matchMaker.presence.subscribe(channel, onMessage);
    },
    async end(userId, reason) {
      await matchMaker.presence.publish(channel, { userId, reason } satisfies EndMessage);
    },
    stop() {
      if (started) matchMaker.presence.unsubscribe(channel, onMessage);
      started = false;
    },
  };
}

async function closeLocalSockets(userId: string, reason: string): Promise<void> {
  const listings = await matchMaker.driver.query({ processId: matchMaker.processId });
  for (const listing of listings) {
    const room = matchMaker.getLocalRoomById(listing.roomId);
    if (room instanceof CofferRoom) room.endSession((identity) => identity?.userId === userId, reason);
  }
}
