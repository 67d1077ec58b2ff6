// Colyseus 0.18 room framing, with msgpackr doing all the msgpack. Runs unchanged in Node and in
// k6 (no Node built-ins): the k6 bundles and the Node runner share this file.
//
// A frame's first byte is the protocol code (its low 5 bits; the high 3 are modifier flags, see
// @colyseus/shared-types Protocol.ts). ROOM_DATA frames are [13, message type, payload], where the
// type is written by @colyseus/schema's `encode.string` / `encode.number`, which produce exactly
// msgpack's str / int encodings, so msgpackr reads and writes them. The join handshake: the
// server sends JOIN_ROOM (reconnection token, serializer id, state reflection), the client
// answers with the single byte JOIN_ROOM, and only then does the server deliver room messages.
import { Packr, Unpackr } from 'msgpackr';

export const FrameCode = {
  JOIN_ROOM: 10,
  ERROR: 11,
  LEAVE_ROOM: 12,
  ROOM_DATA: 13,
} as const;

const CODE_MASK = 0x1f;

// useRecords off: plain msgpack maps, as Colyseus itself packs and expects.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });

/** The client's answer to the server's JOIN_ROOM frame. */
export function joinAcknowledgement(): Uint8Array {
  return new Uint8Array([FrameCode.JOIN_ROOM]);
}

/** `room.send(type, payload)` as the SDK frames it. */
export function encodeRoomData(type: string, payload: unknown): Uint8Array {
  const header = packr.pack(type);
  const body = packr.pack(payload);
  const frame = new Uint8Array(1 + header.byteLength + body.byteLength);
  frame[0] = FrameCode.ROOM_DATA;
  frame.set(header, 1);
  frame.set(body, 1 + header.byteLength);
  return frame;
}

export type Frame =
  | { kind: 'joined' }
  | { kind: 'data'; type: string | number; message: unknown }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'leave' }
  /** State, patches and anything else a load client does not decode. */
  | { kind: 'other'; code: number };

/** Reads one server frame. `decodeMessages: false` leaves ROOM_DATA payloads undecoded (type only). */
export function decodeFrame(bytes: Uint8Array): Frame {
  const code = bytes[0] & CODE_MASK;
  switch (code) {
    case FrameCode.JOIN_ROOM:
      return { kind: 'joined' };
    case FrameCode.LEAVE_ROOM:
      return { kind: 'leave' };
    case FrameCode.ERROR: {
      const [errorCode, message] = unpackr.unpackMultiple(bytes.subarray(1)) as [number, string];
      return { kind: 'error', code: errorCode, message: String(message ?? '') };
    }
    case FrameCode.ROOM_DATA: {
      const values = unpackr.unpackMultiple(bytes.subarray(1)) as unknown[];
      return { kind: 'data', type: values[0] as string | number, message: values[1] };
    }
    default:
      return { kind: 'other', code };
  }
}
