// The browser client's command and event rules, without a browser: ids kept across retries,
// one reply per command, retryable nacks retried, duplicates dropped and gaps detected by seq.
import assert from 'node:assert/strict';
import { beforeEach, afterEach, mock, test } from 'node:test';
import { PendingCommands, RETRY_AFTER_MS } from '../client/src/net/pendingCommands.ts';
import { StreamCursors } from '../client/src/net/streamCursors.ts';
import { CommandError } from '../client/src/net/commandError.ts';
import { backoffMs } from '../client/src/net/roomLink.ts';
import type { WireEvent } from '../shared/protocol.ts';

type Sent = { type: string; payload: Record<string, unknown> };

function harness(online = { value: true }) {
  const sent: Sent[] = [];
  const commands = new PendingCommands((type, payload) => {
    if (!online.value) return false;
    sent.push({ type, payload });
    return true;
  });
  return { sent, commands, online };
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('a command is sent once with a fresh valid id and resolves with its ack', async () => {
  const { sent, commands } = harness();
  const reply = commands.send<{ balance: number }>('game.rps', { bet: 5, hand: 'rock' });
  assert.equal(sent.length, 1);
  const id = sent[0].payload.id as string;
  assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
  assert.deepEqual(sent[0], { type: 'game.rps', payload: { id, bet: 5, hand: 'rock' } });
  commands.ack({ id, result: { balance: 7 } });
  assert.deepEqual(await reply, { balance: 7 });
  assert.equal(commands.size, 0);
  const other = commands.send('game.rps', { bet: 5, hand: 'rock' });
  assert.notEqual(sent[1].payload.id, id);
  commands.ack({ id: sent[1].payload.id as string, result: null });
  await other;
});

test('without a reply the same payload, same id, goes out again after the timeout, and a late duplicate reply is ignored', async () => {
  const { sent, commands } = harness();
  const reply = commands.send('streak.claim');
  mock.timers.tick(RETRY_AFTER_MS - 1);
  assert.equal(sent.length, 1);
  mock.timers.tick(1);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1], sent[0]);
  commands.ack({ id: sent[0].payload.id as string, result: { day: 1 } });
  commands.ack({ id: sent[0].payload.id as string, result: { day: 99 } });
  assert.deepEqual(await reply, { day: 1 });
  mock.timers.tick(RETRY_AFTER_MS * 3);
  assert.equal(sent.length, 2);
});

test('offline commands wait; resendAll (after a reconnect) sends every waiting command with its id', async () => {
  const { sent, commands, online } = harness({ value: false });
  const a = commands.send('game.slot', { bet: 1 });
  const b = commands.send('shop.buy', { itemId: 'health-potion', qty: 1 });
  assert.equal(sent.length, 0);
  online.value = true;
  commands.resendAll();
  assert.deepEqual(sent.map((s) => s.type), ['game.slot', 'shop.buy']);
  const ids = sent.map((s) => s.payload.id as string);
  commands.resendAll();
  assert.deepEqual(sent.slice(2).map((s) => s.payload.id), ids);
  commands.ack({ id: ids[0], result: 'a' });
  commands.ack({ id: ids[1], result: 'b' });
  assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
});

test('a final nack rejects with the server sentence; a retryable one is retried with the same id first', async () => {
  const { sent, commands } = harness();
  const refused = commands.send('game.rps', { bet: 0, hand: 'rock' });
  commands.nack({ id: sent[0].payload.id as string, code: 'INVALID_INPUT', message: 'bet must be a whole number between 1 and 1000000', retryable: false });
  await assert.rejects(refused, (error: unknown) => error instanceof CommandError && error.code === 'INVALID_INPUT' && error.message === 'bet must be a whole number between 1 and 1000000');

  const busy = commands.send('game.slot', { bet: 1 });
  const id = sent[1].payload.id as string;
  commands.nack({ id, code: 'UNAVAILABLE', message: 'storage is unavailable', retryable: true });
  mock.timers.tick(RETRY_AFTER_MS);
  assert.equal(sent.length, 3);
  assert.equal(sent[2].payload.id, id);
  commands.ack({ id, result: 'ok' });
  assert.equal(await busy, 'ok');

  const hopeless = commands.send('game.slot', { bet: 1 });
  const hid = sent[3].payload.id as string;
  for (let i = 0; i < 5; i++) commands.nack({ id: hid, code: 'UNAVAILABLE', message: 'storage is unavailable', retryable: true });
  await assert.rejects(hopeless, /storage is unavailable/);
});

test('failAll rejects what is waiting (sign-out, kick)', async () => {
  const { commands } = harness({ value: false });
  const waiting = commands.send('streak.claim');
  commands.failAll('signed out');
  await assert.rejects(waiting, /signed out/);
  assert.equal(commands.size, 0);
});

const event = (stream: string, seq: number): WireEvent => ({ stream, seq, type: 'balance.changed', at: '', data: {} });

test('events: the head at join is history, duplicates are dropped, a gap is reported, other streams accept gaps', () => {
  const cursors = new StreamCursors();
  cursors.startAt('player:u', 3);
  assert.equal(cursors.judge(event('player:u', 3), true), 'duplicate');
  assert.equal(cursors.judge(event('player:u', 4), true), 'apply');
  assert.equal(cursors.judge(event('player:u', 4), true), 'duplicate');
  assert.equal(cursors.judge(event('player:u', 6), true), 'gap');
  assert.equal(cursors.last('player:u'), 4);
  assert.equal(cursors.judge(event('player:u', 5), true), 'apply');
  assert.equal(cursors.judge(event('player:u', 6), true), 'apply');
  // A second join does not move a known stream back to the head it shows.
  cursors.startAt('player:u', 2);
  assert.equal(cursors.last('player:u'), 6);
  assert.equal(cursors.judge(event('global', 10), false), 'apply');
  assert.equal(cursors.judge(event('global', 12), false), 'apply');
  assert.equal(cursors.judge(event('global', 11), false), 'duplicate');
  cursors.skipTo('player:u', 50);
  assert.equal(cursors.judge(event('player:u', 50), true), 'duplicate');
  assert.equal(cursors.judge(event('player:u', 51), true), 'apply');
});

test('reconnect backoff grows from 250 ms and stops at 5 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs), [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
});
