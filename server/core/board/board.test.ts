// The board's steps without a socket or a database: what each command stores and replies, that
// nothing changes before a step is applied (stored), and the bounty owed with the completion.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Reason } from '../../../shared/reasons.ts';
import { DomainError } from '../../domain/errors.ts';
import { Board, writerStep, type BoardWrite } from './board.ts';

const now = new Date('2026-11-26T00:00:00Z');

describe('Board', () => {
  test('create, accept, complete: each step stores the task; the completion also owes the bounty', () => {
    const board = new Board('main', []);
    const created = board.create('t1', 'Slay', { bountyGold: 250, bountyCurrency: 'gold', bountyXp: 40 }, now);
    assert.equal(board.tasks.length, 0, 'nothing changes before the step is stored');
    created.apply();
    assert.equal(board.tasks[0].status, 'open');
    const accepted = board.accept('ann', 't1', now);
    accepted.apply();
    const done = board.complete('ann', 't1', now);
    assert.deepEqual(done.writes.map((w) => w.kind), ['task', 'bounty']);
    const bounty = done.writes.find((w) => w.kind === 'bounty');
    assert.deepEqual(bounty?.kind === 'bounty' && [bounty.effect.key, bounty.effect.userId, bounty.effect.amount, bounty.effect.xp], ['task:main:t1', 'ann', 250, 40]);
    assert.equal(done.owed, 'ann');
    assert.deepEqual([done.result.bountyGold, done.result.bountyCurrency, done.result.bountyXp], [250, 'gold', 40]);
    done.apply();
    assert.equal(board.tasks[0].status, 'completed');
  });

  test('refusals are typed errors and decide nothing: a second accept, a stranger completing, an unknown task', () => {
    const board = new Board('main', []);
    board.create('t1', 'Slay', { bountyGold: 5, bountyCurrency: 'gold', bountyXp: 0 }, now).apply();
    board.accept('ann', 't1', now).apply();
    const refused = (fn: () => unknown, code: string, reason: Reason) => assert.throws(fn, (e: unknown) => e instanceof DomainError && e.code === code && e.reason === reason);
    refused(() => board.accept('bob', 't1', now), 'CONFLICT', Reason.TASK_TAKEN);
    refused(() => board.complete('bob', 't1', now), 'CONFLICT', Reason.NOT_ASSIGNEE);
    refused(() => board.accept('bob', 'nope', now), 'NOT_FOUND', Reason.TASK_NOT_FOUND);
    board.abandon('ann', 't1').apply();
    assert.equal(board.tasks[0].status, 'open');
    board.cancel('t1').apply();
    refused(() => board.accept('bob', 't1', now), 'NOT_FOUND', Reason.TASK_NOT_FOUND);
  });

  test("a player's command is played by its type; as the writer's step it stores its writes, then applies, shows and owes", async () => {
    const board = new Board('main', []);
    board.create('t1', 'Slay', { bountyGold: 250, bountyCurrency: 'gold', bountyXp: 40 }, now).apply();
    board.play('ann', { type: 'task.accept', id: 'c-1', taskId: 't1' }, now).apply();
    const stored: BoardWrite[] = [];
    const shown: string[] = [];
    const owed: string[] = [];
    const step = writerStep(board.play('ann', { type: 'task.complete', id: 'c-2', taskId: 't1' }, now), {
      store: async (_trx: unknown, write) => void stored.push(write),
      show: (task) => void shown.push(`${task.id} ${task.status}`),
      owed: (userId) => void owed.push(userId),
    });
    await step.write?.({});
    assert.deepEqual([stored.map((w) => w.kind), shown, owed, board.tasks[0].status], [['task', 'bounty'], [], [], 'accepted'], 'nothing applied before the commit');
    step.apply?.();
    assert.deepEqual([shown, owed, board.tasks[0].status], [['t1 completed'], ['ann'], 'completed']);
  });
});
