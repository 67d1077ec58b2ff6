import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { JoinErrorCode } from '../../shared/protocol.ts';
import { failureReply } from './replies.ts';
import { refuse } from './joinAuth.ts';

/** A logger that keeps what is logged at error level: an unexpected failure must be logged. */
function errorLog(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'error' }, { write: (line: string) => lines.push(line) }), lines };
}

test('a room that cannot be reached or loaded, here or on another process, is UNAVAILABLE and retryable', () => {
  const refusal = refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
  const cases: Array<[string, unknown]> = [
    ['a refusal with its code', refusal],
    // What Colyseus' matchmaker hands back when the room failed to load on another process: the message only.
    ['a refusal relayed by another process', new Error(refusal.message)],
    ['another process not answering the matchmaker', new Error('ipc_timeout')],
    ['a remote room call timing out', new Error('remote room (abc) timed out, requesting "applyEffects"')],
  ];
  for (const [what, error] of cases) {
    const { logger, lines } = errorLog();
    const reply = failureReply('cmd-1', error, logger, {});
    assert.ok('nack' in reply, what);
    assert.equal(reply.nack.code, 'UNAVAILABLE', what);
    assert.equal(reply.nack.retryable, true, what);
    assert.deepEqual(lines, [], `${what}: expected, not logged as an error`);
  }
  assert.equal((refusal as { code?: number }).code, JoinErrorCode.UNAVAILABLE);
});

test('an unexpected failure is INTERNAL, not retryable, and logged; another refusal is not taken for UNAVAILABLE', () => {
  for (const error of [new Error('boom'), new Error('FORBIDDEN: not yours'), new Error('storage UNAVAILABLE: later')]) {
    const { logger, lines } = errorLog();
    const reply = failureReply('cmd-2', error, logger, {});
    assert.ok('nack' in reply);
    assert.equal(reply.nack.code, 'INTERNAL', error.message);
    assert.equal(reply.nack.retryable, false);
    assert.equal(lines.length, 1);
  }
});
