// Memory per connected player: every Colyseus room allocates two state-encoding buffers
// of Encoder.BUFFER_SIZE bytes when its state is set (the encoder's shared buffer and the
// serializer's full-state buffer), 16 KB each by default: 32 KB per player room, about half of
// what one idle player cost. A player's full state (balance, level, streak, a few game stats, the
// inventory) encodes to well under 1 KB. The few shared rooms (a board with hundreds of tasks, the
// admin room) get room to spare: a state that outgrows its buffer still works, but the encoder
// grows it with a warning in the log.
import { Encoder } from '@colyseus/schema';

export const PLAYER_ROOM_ENCODE_BYTES = 4 * 1024;
export const SHARED_ROOM_ENCODE_BYTES = 64 * 1024;

/**
 * The size the encode buffers of the room being constructed start at. Colyseus reads the static
 * when it sets the room's state, right after constructing it in the same turn (MatchMaker's
 * handleCreateRoom), so the room's constructor sets it (roomAdapter.ts).
 */
export function sizeRoomEncodeBuffers(bytes: number): void {
  Encoder.BUFFER_SIZE = bytes;
}
