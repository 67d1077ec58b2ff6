// Memory per connected player (issue 17): every Colyseus room allocates two state-encoding buffers
// of Encoder.BUFFER_SIZE bytes up front (the encoder's shared buffer and the serializer's full-state
// buffer), 16 KB each by default: 32 KB per player room, about half of what one idle player cost.
// A player's full state (balance, level, streak, a few game stats, the inventory) encodes to well
// under 1 KB. A state that outgrows the buffer (a board with hundreds of tasks) still works: the
// encoder grows that room's buffer, once, and @colyseus/schema prints a warning when it does.
import { Encoder } from '@colyseus/schema';

export const ROOM_ENCODE_BUFFER_BYTES = 4 * 1024;

/** Before any room is created: the size every room's encode buffers start at. */
export function sizeRoomEncodeBuffers(): void {
  Encoder.BUFFER_SIZE = ROOM_ENCODE_BUFFER_BYTES;
}
