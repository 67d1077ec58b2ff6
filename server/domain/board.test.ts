import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abandonTask, acceptTask, cancelTask, completeTask, newTask } from './board.ts';
import { DomainError } from './errors.ts';

const at = new Date('2026-11-22T10:00:00Z');
const open = newTask('t1', 'Fetch water', 40, 7, at);

/** `code/reason: message` of the refusal `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    const { code, reason } = error as DomainError;
    return `${code}/${reason}: ${(error as Error).message}`;
  }
  return 'no error';
}

test('a task goes open -> accepted -> completed, and completion owes the assignee its bounty', () => {
  const accepted = acceptTask(open, 't1', 'ann', at);
  assert.deepEqual([accepted.status, accepted.assignee, accepted.acceptedAt], ['accepted', 'ann', at.toISOString()]);
  const { task, effect } = completeTask(accepted, 't1', 'ann', 'main', at);
  assert.deepEqual([task.status, task.completedAt], ['completed', at.toISOString()]);
  assert.deepEqual(effect, { key: 'task:main:t1', userId: 'ann', fromAccount: 'bounty', currency: 'gold', amount: 40, xp: 7, reason: 'task.bounty', ref: 'board:main:t1' });
});

test('abandon reopens; cancel removes; each refusal carries its reason and says why', () => {
  const accepted = acceptTask(open, 't1', 'ann', at);
  assert.deepEqual(abandonTask(accepted, 't1', 'ann'), open);
  assert.equal(cancelTask(accepted, 't1').status, 'cancelled');
  assert.equal(refusal(() => acceptTask(accepted, 't1', 'bob', at)), 'CONFLICT/TASK_TAKEN: task t1 is already accepted by another player; only an open task can be accepted');
  assert.equal(refusal(() => acceptTask(accepted, 't1', 'ann', at)), 'CONFLICT/ACCEPTED_BY_YOU: you already accepted task t1');
  assert.equal(refusal(() => completeTask(accepted, 't1', 'bob', 'main', at)), 'CONFLICT/NOT_ASSIGNEE: only the player who accepted task t1 can complete it');
  assert.equal(refusal(() => abandonTask(accepted, 't1', 'bob')), 'CONFLICT/NOT_ASSIGNEE: only the player who accepted task t1 can abandon it');
  assert.equal(refusal(() => abandonTask(open, 't1', 'ann')), 'CONFLICT/NOT_ASSIGNEE: only the player who accepted task t1 can abandon it');
  assert.equal(refusal(() => completeTask(open, 't1', 'ann', 'main', at)), 'CONFLICT/NOT_ASSIGNEE: only the player who accepted task t1 can complete it');
  const done = completeTask(accepted, 't1', 'ann', 'main', at).task;
  // A completed task is final for everyone, its assignee included.
  assert.equal(refusal(() => completeTask(done, 't1', 'ann', 'main', at)), 'CONFLICT/TASK_COMPLETED: task t1 is already completed; its bounty is paid');
  assert.equal(refusal(() => completeTask(done, 't1', 'bob', 'main', at)), 'CONFLICT/TASK_COMPLETED: task t1 is already completed; its bounty is paid');
  assert.equal(refusal(() => abandonTask(done, 't1', 'ann')), 'CONFLICT/TASK_COMPLETED: task t1 is already completed; its bounty is paid');
  assert.equal(refusal(() => acceptTask(done, 't1', 'bob', at)), 'CONFLICT/TASK_COMPLETED: task t1 is already completed; only an open task can be accepted');
  assert.equal(refusal(() => cancelTask(done, 't1')), 'CONFLICT/TASK_COMPLETED: task t1 is already completed; its bounty is paid');
  assert.equal(refusal(() => acceptTask(undefined, 'nope', 'ann', at)), 'NOT_FOUND/TASK_NOT_FOUND: taskId nope is not on this board');
  const cancelled = cancelTask(open, 't1');
  assert.equal(refusal(() => acceptTask(cancelled, 't1', 'ann', at)), 'NOT_FOUND/TASK_NOT_FOUND: taskId t1 is not on this board');
  assert.equal(refusal(() => completeTask(cancelled, 't1', 'ann', 'main', at)), 'NOT_FOUND/TASK_NOT_FOUND: taskId t1 is not on this board');
  assert.equal(refusal(() => abandonTask(undefined, 't1', 'ann')), 'NOT_FOUND/TASK_NOT_FOUND: taskId t1 is not on this board');
  assert.equal(refusal(() => cancelTask(cancelled, 't1')), 'NOT_FOUND/TASK_NOT_FOUND: taskId t1 is not on this board');
});
