// Reaching a board's room from the admin room: find it, or create it (it loads its tasks).
import { matchMaker } from '@colyseus/core';
import { DEFAULT_BOARD } from '../../shared/boardCommands.ts';
import { RoomName } from '../../shared/protocol.ts';

export async function callBoardRoom<T>(board: string | undefined, method: 'adminCreateTask' | 'adminCancelTask', args: unknown[]): Promise<T> {
  const options = { board: board ?? DEFAULT_BOARD };
  for (let attempt = 1; ; attempt++) {
    const room = (await matchMaker.findOneRoomAvailable(RoomName.board, options)) ?? (await matchMaker.createRoom(RoomName.board, options));
    try {
      return (await matchMaker.remoteRoomCall(room.roomId, method, args)) as T;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}
