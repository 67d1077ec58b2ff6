// The room boundary with the real player schemas: every refusal is INVALID_INPUT and names the
// field at fault (docs/PROTOCOL.md "Error codes"); a valid payload comes out typed and unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandType, MAX_BET } from '../../shared/commands.ts';
import { playerRoomCommands as playerCommands } from './playerWriter.ts';
import { validateCommand } from './validateCommand.ts';

const id = 'cmd-0000-abcd';

function refusal(type: string, payload: unknown) {
  const result = validateCommand(playerCommands, type, payload);
  assert.ok('nack' in result, `expected a nack for ${type} ${String(JSON.stringify(payload))}`);
  assert.equal(result.nack.code, 'INVALID_INPUT');
  assert.equal(result.nack.retryable, false);
  return result.nack;
}

const rps = (fields: Record<string, unknown>) => ({ id, bet: 10, hand: 'rock', ...fields });

describe('validateCommand', () => {
  test('a valid game.rps passes with its type and fields', () => {
    const result = validateCommand(playerCommands, 'game.rps', { id, bet: 10, hand: 'paper' });
    assert.deepEqual(result, { command: { type: 'game.rps', id, bet: 10, hand: 'paper', currency: 'gold' } }, 'the currency left out is gold');
  });

  test('a valid streak.claim and the largest bet pass', () => {
    assert.deepEqual(validateCommand(playerCommands, CommandType.streakClaim, { id }), { command: { type: CommandType.streakClaim, id } });
    assert.ok('command' in validateCommand(playerCommands, 'game.rps', rps({ bet: MAX_BET })));
    assert.ok('command' in validateCommand(playerCommands, 'game.rps', rps({ bet: 1 })));
  });

  test('an unknown type is refused, naming the type, with the id echoed', () => {
    const nack = refusal('game.poker', { id });
    assert.match(nack.message, /game\.poker/);
    assert.equal(nack.id, id);
  });

  test('names inherited from Object.prototype are not command types', () => {
    for (const type of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      assert.match(refusal(type, { id }).message, new RegExp(type));
    }
  });

  const badBets: Array<[string, Record<string, unknown>]> = [
    ['missing', { bet: undefined }],
    ['a string', { bet: '10' }],
    ['negative', { bet: -5 }],
    ['zero', { bet: 0 }],
    ['fractional', { bet: 1.5 }],
    ['NaN', { bet: Number.NaN }],
    ['Infinity', { bet: Number.POSITIVE_INFINITY }],
    ['above MAX_BET', { bet: MAX_BET + 1 }],
    ['null', { bet: null }],
  ];
  for (const [what, fields] of badBets) {
    test(`a bet that is ${what} is refused naming bet`, () => {
      const payload = rps(fields);
      if (fields.bet === undefined) delete (payload as Record<string, unknown>).bet;
      const nack = refusal('game.rps', payload);
      assert.match(nack.message, /^bet\b/);
      assert.equal(nack.id, id, 'the id is echoed so the client can match the reply');
    });
  }

  test('a hand outside rock/paper/scissors is refused naming hand', () => {
    assert.match(refusal('game.rps', rps({ hand: 'lizard' })).message, /^hand\b/);
    assert.match(refusal('game.rps', rps({ hand: 'ROCK' })).message, /^hand\b/);
  });

  test('an unknown extra field is refused naming that field', () => {
    assert.match(refusal('game.rps', rps({ extra: 1 })).message, /\bextra\b/);
    assert.match(refusal(CommandType.streakClaim, { id, bet: 5 }).message, /\bbet\b.*streak\.claim/);
  });

  test('a __proto__ key is refused as an unknown field, not merged into the command', () => {
    const payload = JSON.parse(`{"id":"${id}","bet":1,"hand":"rock","__proto__":{"bet":2,"admin":true}}`);
    const nack = refusal('game.rps', payload);
    assert.match(nack.message, /__proto__/);
  });

  test('a missing, short or malformed id is refused naming id, with a null reply id', () => {
    for (const payload of [{}, { id: 'short' }, { id: 'has spaces in it' }, { id: 'x'.repeat(65) }, { id: 12345678 }]) {
      const nack = refusal(CommandType.streakClaim, payload);
      assert.match(nack.message, /^id\b/, JSON.stringify(payload));
      assert.equal(nack.id, null);
    }
  });

  test('a payload that is not an object is refused naming the payload', () => {
    for (const payload of [null, undefined, 'streak', 42, [id], true]) {
      const nack = refusal(CommandType.streakClaim, payload);
      assert.match(nack.message, /payload/);
      assert.equal(nack.id, null);
    }
  });

  test('events.sync wants a whole afterSeq >= 0', () => {
    assert.ok('command' in validateCommand(playerCommands, CommandType.eventsSync, { id, afterSeq: 0 }));
    for (const afterSeq of [-1, 0.5, '3', undefined]) {
      assert.match(refusal(CommandType.eventsSync, { id, afterSeq }).message, /^afterSeq\b/);
    }
  });
});
