// How processes tell each other of a published economy version: the Colyseus presence's pub/sub
// (Redis in services mode, in-process in embedded mode), as session ends are told
// (server/auth/sessionEnforcer.ts). A message lost is found by the poll (runtime.ts).
import { matchMaker } from '@colyseus/core';
import type { Announcer } from './runtime.ts';

type Published = { version: number };

export function presenceAnnouncer(channel: string): Announcer {
  return {
    async announce(version) {
      await matchMaker.presence.publish(channel, { version } satisfies Published);
    },
    listen(heard) {
      const onMessage = (message: Published) => {
        if (Number.isSafeInteger(message?.version)) heard(message.version);
      };
      void matchMaker.presence.subscribe(channel, onMessage);
      return () => matchMaker.presence.unsubscribe(channel, onMessage);
    },
  };
}
