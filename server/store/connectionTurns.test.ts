import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectionTurns } from './connectionTurns.ts';

/** Work that runs until `finish` is called, recording when it started. */
function held(started: string[], name: string): { work: () => Promise<void>; finish: () => void } {
  const { promise, resolve } = Promise.withResolvers<void>();
  return {
    work: async () => {
      started.push(name);
      await promise;
    },
    finish: () => resolve(),
  };
}

/** Lets every settled promise's continuation run (turns pass on in microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ConnectionTurns', () => {
  test('with the connection busy, a commit that asks later goes before the reads waiting already', async () => {
    const turns = new ConnectionTurns(1);
    const started: string[] = [];
    const first = held(started, 'first');
    const running = turns.run(false, first.work);
    const [readA, commitB] = [held(started, 'read A'), held(started, 'commit B')];
    const a = turns.run(false, readA.work);
    const b = turns.run(true, commitB.work);
    assert.equal(turns.waiting, 2);
    first.finish();
    await running;
    await settle();
    assert.deepEqual(started, ['first', 'commit B']);
    commitB.finish();
    await b;
    await settle();
    assert.deepEqual(started, ['first', 'commit B', 'read A']);
    readA.finish();
    await a;
    assert.equal(turns.waiting, 0);
  });

  test('reads are not starved: while both wait, turns alternate', async () => {
    const turns = new ConnectionTurns(1);
    const started: string[] = [];
    const gate = held(started, 'gate');
    const all = [turns.run(false, gate.work)];
    const works = new Map<string, ReturnType<typeof held>>();
    for (const name of ['read 1', 'read 2', 'commit 1', 'commit 2', 'commit 3']) {
      const w = held(started, name);
      works.set(name, w);
      all.push(turns.run(name.startsWith('commit'), w.work));
    }
    gate.finish();
    for (let i = 0; i < 5; i++) {
      await settle();
      works.get(started.at(-1)!)!.finish();
    }
    await Promise.all(all);
    assert.deepEqual(started, ['gate', 'commit 1', 'read 1', 'commit 2', 'read 2', 'commit 3']);
  });

  test('as many run at once as there are connections; a failed work passes its turn on', async () => {
    const turns = new ConnectionTurns(2);
    const started: string[] = [];
    const [one, two] = [held(started, 'one'), held(started, 'two')];
    const runs = [turns.run(false, one.work), turns.run(false, two.work)];
    const failing = turns.run(true, async () => {
      started.push('failing');
      throw new Error('the statement failed');
    });
    const last = turns.run(false, async () => void started.push('last'));
    await settle();
    assert.deepEqual(started, ['one', 'two'], 'two at once, the rest wait');
    one.finish();
    await assert.rejects(failing, /the statement failed/);
    await last;
    assert.deepEqual(started, ['one', 'two', 'failing', 'last']);
    two.finish();
    await Promise.all(runs);
    assert.equal(turns.waiting, 0);
  });
});
