import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentReplies } from './recentReplies.ts';

const reply = (n: number) => ({ payloadHash: `h${n}`, reply: { n } });

test('keeps the newest replies up to its limit and forgets the oldest first', () => {
  const replies = new RecentReplies([['a', reply(1)], ['b', reply(2)]], 3);
  replies.set('c', reply(3));
  replies.set('d', reply(4));
  assert.equal(replies.size, 3);
  assert.equal(replies.get('a'), undefined);
  assert.deepEqual(replies.get('b'), reply(2));
  assert.deepEqual(replies.get('d'), reply(4));
});
