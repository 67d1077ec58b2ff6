// Reaching the admin room from outside it (an admin's HTTP request): find it wherever it runs, or
// create it (one per server, INV-9: a second is never made while one serves), then call it through
// the matchmaker, which also works across processes.
import { matchMaker } from '@colyseus/core';
import { RoomName } from '../../shared/protocol.ts';
import { callRoom, refuseInTransaction, type AdminRoomCalls, type CallArgs, type CallResult } from './roomCalls.ts';

/** A publish validates and stores a document of up to a megabyte: more than Colyseus' 2 s default. */
const ADMIN_CALL_MS = 15_000;

export async function callAdminRoom<M extends keyof AdminRoomCalls>(method: M, ...args: CallArgs<AdminRoomCalls[M]>): Promise<CallResult<AdminRoomCalls[M]>> {
  // Before the lookup: creating the room takes its fence, on a connection of its own.
  refuseInTransaction(method);
  for (let attempt = 1; ; attempt++) {
    const room = (await matchMaker.findOneRoomAvailable(RoomName.admin, {})) ?? (await matchMaker.createRoom(RoomName.admin, {}));
    try {
      return await callRoom<AdminRoomCalls, M>(room.roomId, method, args, ADMIN_CALL_MS);
    } catch (error) {
      // The room was disposing between the lookup and the call: look again, once.
      if (attempt >= 2) throw error;
    }
  }
}
