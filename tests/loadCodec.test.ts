// The load kit's frame codec (load/scenario/codec.ts, msgpackr only) against the encoders
// Colyseus itself uses (@colyseus/schema's encode.string/number and msgpackr's pack as in
// @colyseus/sdk's Room.send and @colyseus/core's Protocol): the same bytes both ways.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode, type Iterator } from '@colyseus/schema';
import { pack } from 'msgpackr';
import { decodeFrame, encodeRoomData, FrameCode, joinAcknowledgement } from '../load/scenario/codec.ts';

function sdkFrame(code: number, type: string, payload: unknown): Uint8Array {
  const header = new Uint8Array(512);
  header[0] = code;
  const it: Iterator = { offset: 1 };
  encode.string(header as Buffer, type, it);
  const body = pack(payload);
  const frame = new Uint8Array(it.offset + body.byteLength);
  frame.set(header.subarray(0, it.offset));
  frame.set(body, it.offset);
  return frame;
}

test('a command frame is byte for byte what the Colyseus SDK sends', () => {
  for (const [type, payload] of [
    ['game.rps', { id: 'abcdefgh-1', bet: 10, hand: 'rock' }],
    ['admin.task.create', { id: 'x'.repeat(64), board: 'main', title: 'ünïcode ✓ title', bountyGold: 1_000_000, bountyXp: 0 }],
    ['t'.repeat(40), { id: 'long-type-name', nested: { list: [1, -2, 3.5, null, true] } }],
  ] as const) {
    assert.deepEqual(encodeRoomData(type, payload), sdkFrame(FrameCode.ROOM_DATA, type, payload));
  }
});

test('server frames decode: room data, errors, the join handshake, and frames a load client skips', () => {
  const ack = { id: 'abcdefgh-1', result: { balance: 90, serverHand: 'paper' } };
  assert.deepEqual(decodeFrame(sdkFrame(FrameCode.ROOM_DATA, 'ack', ack)), { kind: 'data', type: 'ack', message: ack });

  const error = new Uint8Array(256);
  error[0] = FrameCode.ERROR;
  const it: Iterator = { offset: 1 };
  encode.number(error as Buffer, 4212, it);
  encode.string(error as Buffer, 'seat reservation expired', it);
  assert.deepEqual(decodeFrame(error.subarray(0, it.offset)), { kind: 'error', code: 4212, message: 'seat reservation expired' });

  // Long strings and multi-byte numbers follow the schema's little-endian rules, not msgpack's.
  const long = 'é'.repeat(300);
  const frame = new Uint8Array(1024);
  frame[0] = FrameCode.ERROR;
  const at: Iterator = { offset: 1 };
  encode.number(frame as Buffer, -70000, at);
  encode.string(frame as Buffer, long, at);
  assert.deepEqual(decodeFrame(frame.subarray(0, at.offset)), { kind: 'error', code: -70000, message: long });
  assert.deepEqual(decodeFrame(sdkFrame(FrameCode.ROOM_DATA, 't'.repeat(300), { ok: 1 })), { kind: 'data', type: 't'.repeat(300), message: { ok: 1 } });
  assert.throws(() => encodeRoomData('t'.repeat(300), {}), /too long/);

  assert.deepEqual(decodeFrame(new Uint8Array([FrameCode.JOIN_ROOM, 3, 97, 98, 99])), { kind: 'joined' });
  assert.deepEqual(joinAcknowledgement(), new Uint8Array([FrameCode.JOIN_ROOM]));
  // A state patch with a modifier bit set (bits 5-7) is still recognised as "not ours".
  assert.deepEqual(decodeFrame(new Uint8Array([15 | 0x20, 1, 2, 3])), { kind: 'other', code: 15 });
});
