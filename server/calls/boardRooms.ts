// Reaching a board's room from the admin room: find it, or create it (it loads its tasks).
import { matchMaker } from '@colyseus/core';
import { DEFAULT_BOARD } from '../../shared/boardCommands.ts';
import { RoomName } from '../../shared/protocol.ts';
import { callRoom, refuseInTransaction, type CallArgs, type CallResult, type BoardRoomCalls } from './roomCalls.ts';

export async function callBoardRoom<M extends keyof BoardRoomCalls>(board: string | undefined, method: M, ...args: CallArgs<BoardRoomCalls[M]>): Promise<CallResult<BoardRoomCalls[M]>> {
  // Before the lookup: creating the room loads the board, on a connection of its own.
  refuseInTransaction(method);
  const options = { board: board ?? DEFAULT_BOARD };
  for (let attempt = 1; ; attempt++) {
    const room = (await matchMaker.findOneRoomAvailable(RoomName.board, options)) ?? (await matchMaker.createRoom(RoomName.board, options));
    try {
      return await callRoom<BoardRoomCalls, M>(room.roomId, method, args);
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}
