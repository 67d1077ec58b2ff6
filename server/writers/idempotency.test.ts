// The idempotency rule both writers share (idempotency.ts), without storage: a retried id gets the
// stored reply when its payload is the same and IDEMPOTENCY_MISMATCH when it differs, a retry
// while the first is running gets that first one's reply, and the command runs once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerStored, Idempotency } from './idempotency.ts';
import { ack, type Reply } from './replies.ts';

const codeOf = (reply: Reply) => ('ack' in reply ? 'ack' : reply.nack.code);

test('a stored reply answers its id when the payload is the same, IDEMPOTENCY_MISMATCH when it differs', () => {
  const stored = { payloadHash: 'h1', reply: { balance: 7 } };
  assert.deepEqual(answerStored('cmd-1', 'h1', stored), { ack: { id: 'cmd-1', result: { balance: 7 } } });
  const other = answerStored('cmd-1', 'h2', stored);
  assert.equal(codeOf(other), 'IDEMPOTENCY_MISMATCH');
  assert.ok('nack' in other && other.nack.id === 'cmd-1' && !other.nack.retryable);
});

test('a retry while the first is running gets its reply; the command runs once; a different payload is a mismatch', async () => {
  const replies = new Idempotency();
  let runs = 0;
  let finish!: (reply: Reply) => void;
  const run = (hash: string) =>
    replies.known('k', 'cmd-2', hash) ??
    replies.running('k', hash, new Promise<Reply>((resolve) => {
      runs++;
      finish = resolve;
    }));
  const first = run('h');
  const retry = run('h');
  assert.equal(codeOf(await run('other')), 'IDEMPOTENCY_MISMATCH');
  finish(ack('cmd-2', { n: 1 }));
  assert.deepEqual(await retry, await first);
  assert.equal(runs, 1);
  // Settled and not remembered (it was not committed): the id may run again.
  assert.equal(replies.known('k', 'cmd-2', 'h'), undefined);
});

test('a remembered reply answers under the id given, keyed apart from other keys, until reset', async () => {
  const replies = new Idempotency([['a\u0000t:1', { payloadHash: 'h', reply: { v: 1 } }]]);
  assert.deepEqual(await replies.known('a\u0000t:1', '1', 'h'), { ack: { id: '1', result: { v: 1 } } });
  assert.equal(replies.known('b\u0000t:1', '1', 'h'), undefined, "another actor's id of the same name runs");
  replies.remember('k', 'h2', { v: 2 });
  assert.deepEqual(replies.remembered('k', 'x', 'h2'), { ack: { id: 'x', result: { v: 2 } } });
  assert.equal(codeOf(replies.remembered('k', 'x', 'h3')!), 'IDEMPOTENCY_MISMATCH');
  replies.reset([]);
  assert.equal(replies.remembered('k', 'x', 'h2'), undefined);
  assert.equal(replies.known('a\u0000t:1', '1', 'h'), undefined);
});

test('a rejected run is forgotten, so the id may run again', async () => {
  const replies = new Idempotency();
  await assert.rejects(replies.running('k', 'h', Promise.reject(new Error('boom'))), /boom/);
  assert.equal(replies.known('k', 'id', 'h'), undefined);
});
