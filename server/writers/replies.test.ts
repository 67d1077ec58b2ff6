import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { JoinErrorCode } from '../../shared/protocol.ts';
import { failureReply, mismatch, replaced, ServerShuttingDown } from './replies.ts';
import { refuse } from '../rooms/joinAuth.ts';

/** A logger that keeps what is logged at error level: an unexpected failure must be logged. */
function errorLog(): { logger: pino.Logger; lines: string[] } {
  return logAt('error');
}

function logAt(level: 'error' | 'warn'): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level }, { write: (line: string) => lines.push(line) }), lines };
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

test('an error answered UNAVAILABLE for being transient or an unreachable room is logged once, as a warning, with its stack', () => {
  const lostConnection = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const cases: Error[] = [lostConnection, new Error('Connection terminated unexpectedly'), new Error('ipc_timeout')];
  for (const error of cases) {
    const { logger, lines } = logAt('warn');
    const reply = failureReply('cmd-3', error, logger, { userId: 'u-1' });
    assert.ok('nack' in reply && reply.nack.code === 'UNAVAILABLE' && reply.nack.retryable, error.message);
    assert.equal(lines.length, 1, `${error.message}: one line`);
    const line = JSON.parse(lines[0]!) as { level: number; commandId: string; userId: string; err: { stack: string } };
    assert.equal(line.level, 40, 'warn');
    assert.equal(line.commandId, 'cmd-3');
    assert.equal(line.userId, 'u-1');
    assert.equal(line.err.stack, error.stack);
  }
});

test('the replies every writer shares live here: a mismatch, a replaced room, a shutdown', () => {
  assert.deepEqual(mismatch('cmd-4'), { nack: { id: 'cmd-4', code: 'IDEMPOTENCY_MISMATCH', message: 'this id was already used for a different command; use a new id for a new command', retryable: false } });
  const gone = replaced('cmd-5');
  assert.ok('nack' in gone && gone.nack.code === 'UNAVAILABLE' && gone.nack.retryable);
  // A shutdown is expected: UNAVAILABLE, retryable, and nothing logged.
  const { logger, lines } = logAt('warn');
  const reply = failureReply('cmd-6', new ServerShuttingDown(), logger, {});
  assert.ok('nack' in reply && reply.nack.code === 'UNAVAILABLE' && reply.nack.retryable);
  assert.deepEqual(lines, []);
});
