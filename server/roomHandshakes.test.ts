import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaSerializer } from '@colyseus/core';
import { Reflection } from '@colyseus/schema';
import { BoardState, PlayerState } from '../shared/state.ts';
import { shareHandshake } from './roomHandshakes.ts';

/** A room as Colyseus holds it: its serializer reset to its state. */
function roomOf(state: object): { _serializer: SchemaSerializer<any>; state: object } {
  const serializer = new SchemaSerializer<any>();
  serializer.reset(state);
  return { _serializer: serializer, state };
}

/** What Colyseus encodes for a room by itself (the serializer's encoder is protected). */
function ownReflection(room: { _serializer: SchemaSerializer<any> }): number[] {
  return [...Reflection.encode((room._serializer as unknown as { encoder: Parameters<typeof Reflection.encode>[0] }).encoder)];
}

test('rooms of one state class get the reflection encoded once; another class gets its own', () => {
  const first = roomOf(new PlayerState());
  shareHandshake(first, first.state);
  const encoded = first._serializer.handshake();
  const second = new PlayerState();
  second.balance = 42;
  const next = roomOf(second);
  shareHandshake(next, second);
  assert.equal(next._serializer.handshake(), encoded, 'the same bytes, not encoded again');
  // And they are what Colyseus would have encoded for the second room itself.
  assert.deepEqual(ownReflection(next), [...encoded]);

  const board = roomOf(new BoardState());
  shareHandshake(board, board.state);
  assert.notDeepEqual([...board._serializer.handshake()], [...encoded], 'a board room has the board schema');
});
