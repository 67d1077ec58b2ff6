// The serial writer's turns under a flood (serialWriter.ts), on a real database: the room's own
// command (a crash table's phase) goes before every waiting player command; one actor has at most
// MAX_WAITING_PER_ACTOR commands waiting, more are refused RATE_LIMITED at once without a turn;
// an actor's second command does not cut the independent commands of others short. A crash table
// flooded by one account stretched a 2 s betting phase to 28 s: its phase commits waited behind
// every cash-out queued before them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '../../tests/support/store.ts';
import { systemClock } from '../domain/clock.ts';
import { createLogger } from '../observability/logger.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { sqlWriterStore } from '../store/writerStore.ts';
import { FenceWatch } from '../jobs/fenceWatch.ts';
import { MAX_WAITING_PER_ACTOR, SerialWriter, type RunMode } from './serialWriter.ts';

let store: Store;
before(async () => {
  store = await openStore('serial_writer');
});
after(async () => {
  await store?.close();
});

let writers = 0;
async function writer(): Promise<SerialWriter> {
  const id = `test:writer-${++writers}`;
  const epoch = await takeRoomFence(store.sql, id);
  return new SerialWriter({ store: sqlWriterStore(store.sql), clock: systemClock, logger: createLogger('silent'), fenceWatch: new FenceWatch() }, id, id, epoch, 0, {
    committed: () => undefined,
    fenced: () => undefined,
    reload: async () => 0,
  });
}

/** Runs a command that notes when its turn came (its decision) in `turns`. */
function command(w: SerialWriter, turns: string[], actor: string, id: string, mode: RunMode = {}) {
  return w.run(actor, id, 'h', () => {
    turns.push(id);
    return { result: { id }, events: [] };
  }, mode);
}

const codeOf = (reply: Awaited<ReturnType<SerialWriter['run']>>) => ('ack' in reply ? 'ack' : reply.nack.code);

test("the room's own command goes before every player command waiting for its turn", async () => {
  const w = await writer();
  const turns: string[] = [];
  // The first command takes the writer's turn at once; the others wait behind it.
  const replies = [command(w, turns, 'p0', 'first')];
  for (let i = 1; i <= 20; i++) replies.push(command(w, turns, `p${i}`, `player-${i}`));
  replies.push(command(w, turns, 'table:t', 'phase', { own: true }));
  assert.deepEqual((await Promise.all(replies)).map(codeOf), replies.map(() => 'ack'));
  assert.deepEqual(turns.slice(0, 2), ['first', 'phase'], 'the phase ran right after the command already running');
  assert.equal(turns.length, 22);
  w.dispose();
});

test(`one actor has at most ${MAX_WAITING_PER_ACTOR} commands waiting; more are refused RATE_LIMITED without a turn, others go on`, async () => {
  const w = await writer();
  const turns: string[] = [];
  const running = command(w, turns, 'flooder', 'flood-0');
  const flood = Array.from({ length: 3 * MAX_WAITING_PER_ACTOR }, (_, i) => command(w, turns, 'flooder', `flood-${i + 1}`));
  const other = command(w, turns, 'other', 'other-1');
  const codes = (await Promise.all(flood)).map(codeOf);
  assert.deepEqual(codes, flood.map((_, i) => (i < MAX_WAITING_PER_ACTOR ? 'ack' : 'RATE_LIMITED')));
  const refused = await flood.at(-1)!;
  assert.ok('nack' in refused && refused.nack.retryable, 'retryable');
  assert.equal(codeOf(await running), 'ack');
  assert.equal(codeOf(await other), 'ack');
  assert.equal(turns.length, 2 + MAX_WAITING_PER_ACTOR, 'the refused ones never took a turn');
  // Once the queue drained, the actor may send again.
  assert.equal(codeOf(await command(w, turns, 'flooder', 'flood-again')), 'ack');
  w.dispose();
});

test("an actor's second independent command waits in its place without cutting the others' group short", async () => {
  const w = await writer();
  const turns: string[] = [];
  const independent: RunMode = { independent: true };
  const replies = [command(w, turns, 'a', 'a-1', independent), command(w, turns, 'a', 'a-2', independent), command(w, turns, 'a', 'a-3', independent)];
  for (const actor of ['b', 'c', 'd']) replies.push(command(w, turns, actor, `${actor}-1`, independent));
  assert.deepEqual((await Promise.all(replies)).map(codeOf), replies.map(() => 'ack'));
  // a-1 ran alone (it was the only one queued); then a-2 with b, c and d; a's commands in order.
  assert.deepEqual(turns, ['a-1', 'a-2', 'b-1', 'c-1', 'd-1', 'a-3']);
  w.dispose();
});
