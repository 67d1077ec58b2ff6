// Colyseus 0.18 room framing, with msgpackr doing the msgpack. Runs unchanged in Node and in k6
// (no Node built-ins): the k6 bundles and the Node runner share this file.
//
// A frame's first byte is the protocol code (its low 5 bits; the high 3 are modifier flags, see
// @colyseus/shared-types Protocol.ts). ROOM_DATA frames are [13, message type, msgpack payload].
// The type and the numbers in ERROR frames are written by @colyseus/schema's encode.string /
// encode.number: msgpack's type bytes, but multi-byte lengths and values little-endian where
// msgpack is big-endian. So short strings (fixstr, str8: under 256 bytes) are plain msgpack and
// msgpackr writes them as Colyseus would; longer ones and multi-byte numbers are read here by the
// schema rules (the UTF-8 still decoded by msgpackr). The join handshake: the server sends
// JOIN_ROOM (reconnection token, serializer id, state reflection), the client answers with the
// single byte JOIN_ROOM, and only then does the server deliver room messages.
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
  // fixstr (0xa0-0xbf) and str8 (0xd9) are the same bytes in both encodings; str16/32 are not.
  if (header[0] !== 0xd9 && (header[0] & 0xe0) !== 0xa0) throw new Error(`message type too long for this codec: ${type.length} characters`);
  const body = packr.pack(payload);
  const frame = new Uint8Array(1 + header.byteLength + body.byteLength);
  frame[0] = FrameCode.ROOM_DATA;
  frame.set(header, 1);
  frame.set(body, 1 + header.byteLength);
  return frame;
}

type Cursor = { offset: number };

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A number as @colyseus/schema's encode.number writes it (little-endian multi-byte values). */
function readSchemaNumber(bytes: Uint8Array, at: Cursor): number {
  const prefix = bytes[at.offset++];
  if (prefix < 0x80) return prefix;
  if (prefix > 0xdf) return prefix - 0x100;
  const v = view(bytes);
  const o = at.offset;
  const read: Record<number, [number, () => number]> = {
    0xca: [4, () => v.getFloat32(o, true)],
    0xcb: [8, () => v.getFloat64(o, true)],
    0xcc: [1, () => v.getUint8(o)],
    0xcd: [2, () => v.getUint16(o, true)],
    0xce: [4, () => v.getUint32(o, true)],
    0xcf: [8, () => v.getUint32(o, true) + v.getUint32(o + 4, true) * 2 ** 32],
    0xd0: [1, () => v.getInt8(o)],
    0xd1: [2, () => v.getInt16(o, true)],
    0xd2: [4, () => v.getInt32(o, true)],
    0xd3: [8, () => v.getUint32(o, true) + v.getInt32(o + 4, true) * 2 ** 32],
  };
  const entry = read[prefix];
  if (!entry) throw new Error(`not a number prefix: 0x${prefix.toString(16)}`);
  at.offset += entry[0];
  return entry[1]();
}

/** A string as @colyseus/schema's encode.string writes it; its UTF-8 decoded by msgpackr. */
function readSchemaString(bytes: Uint8Array, at: Cursor): string {
  const prefix = bytes[at.offset++];
  const v = view(bytes);
  let length: number;
  if ((prefix & 0xe0) === 0xa0) length = prefix & 0x1f;
  else if (prefix === 0xd9) length = bytes[at.offset++];
  else if (prefix === 0xda) (length = v.getUint16(at.offset, true)), (at.offset += 2);
  else if (prefix === 0xdb) (length = v.getUint32(at.offset, true)), (at.offset += 4);
  else throw new Error(`not a string prefix: 0x${prefix.toString(16)}`);
  // The same bytes behind a big-endian str32 header are a msgpack string.
  const copy = new Uint8Array(5 + length);
  copy[0] = 0xdb;
  view(copy).setUint32(1, length);
  copy.set(bytes.subarray(at.offset, at.offset + length), 5);
  at.offset += length;
  return unpackr.unpack(copy) as string;
}

/** A ROOM_DATA type: a string, or a number for messages registered by number. */
function readMessageType(bytes: Uint8Array, at: Cursor): string | number {
  const prefix = bytes[at.offset];
  const isString = (prefix & 0xe0) === 0xa0 || prefix === 0xd9 || prefix === 0xda || prefix === 0xdb;
  return isString ? readSchemaString(bytes, at) : readSchemaNumber(bytes, at);
}

export type Frame =
  | { kind: 'joined' }
  | { kind: 'data'; type: string | number; message: unknown }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'leave' }
  /** State, patches and anything else a load client does not decode. */
  | { kind: 'other'; code: number };

/** Reads one server frame. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const code = bytes[0] & CODE_MASK;
  switch (code) {
    case FrameCode.JOIN_ROOM:
      return { kind: 'joined' };
    case FrameCode.LEAVE_ROOM:
      return { kind: 'leave' };
    case FrameCode.ERROR: {
      const at = { offset: 1 };
      const errorCode = readSchemaNumber(bytes, at);
      return { kind: 'error', code: errorCode, message: readSchemaString(bytes, at) };
    }
    case FrameCode.ROOM_DATA: {
      const at = { offset: 1 };
      const type = readMessageType(bytes, at);
      const message = at.offset < bytes.byteLength ? unpackr.unpack(bytes.subarray(at.offset)) : undefined;
      return { kind: 'data', type, message };
    }
    default:
      return { kind: 'other', code };
  }
}
