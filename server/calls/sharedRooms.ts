// Shared rooms (crash tables, boards, the admin room) belong to the server (INV-9): a client
// joins one that exists, and no client request creates a second room for a table or board that a
// live room serves, or replaces it. Colyseus' `create` would build a new room whatever is live,
// and a locked or unlisted room lets `joinOrCreate` build one too; so a shared room's onCreate
// first asks any room listed for the same name whether it still serves it.
import { matchMaker } from '@colyseus/core';
import { refuse } from '../rooms/joinAuth.ts';
import { callRoom, type SharedRoomCalls } from './roomCalls.ts';

/** How long a listed room has to answer; a room that does not is taken to be gone. */
const ASK_MS = 1500;

export async function refuseIfServed(roomName: string, filter: Record<string, string>, selfId: string, what: string): Promise<void> {
  const listed = await matchMaker.query({ name: roomName, ...filter });
  for (const other of listed) {
    if (other.roomId === selfId) continue;
    // A room that does not answer (its process died, its listing outlived it) serves nobody: the
    // new room takes over, and the fence keeps the old one from writing should it come back.
    const serving = await callRoom<SharedRoomCalls, 'serving'>(other.roomId, 'serving', [], ASK_MS).catch(() => false);
    if (serving === true) throw refuse('CONFLICT', `${what} is already open; join it (joinOrCreate or join), a second room is never created`);
  }
}

/**
 * `create` is not offered to clients: every room is created by joining it (the server decides
 * that a player or a table needs one). A client's `create` replaced live rooms.
 */
let withheld = false;

export function withholdCreate(): void {
  // Once per process (an app started twice in one process must not wrap the wrapper).
  if (withheld) return;
  withheld = true;
  const controller = matchMaker.controller;
  const invoke = controller.invokeMethod;
  controller.invokeMethod = function (method, roomName, clientOptions, authOptions) {
    if (method === 'create') return Promise.reject(refuse('FORBIDDEN', `rooms are created by the server, not by a client's create; join with joinOrCreate`));
    return invoke.call(this, method, roomName, clientOptions, authOptions);
  };
}
