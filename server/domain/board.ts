// Task board rules: an open task has no assignee; one player accepts it, and only that player
// completes or abandons it; a completed or cancelled task is final. Completion owes the assignee
// the bounty, which their own player room pays from the bounty account in the bounty's currency (an effect).
import type { Task } from '../../shared/boardCommands.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';
import type { Effect } from './effects.ts';
import { SystemAccount } from './ledger.ts';
import type { TaskBounty } from './bounty.ts';

export function newTask(id: string, title: string, { bountyGold, bountyCurrency, bountyXp }: TaskBounty, now: Date): Task {
  return { id, title, bountyGold, bountyCurrency, bountyXp, status: 'open', assignee: null, createdAt: now.toISOString(), acceptedAt: null, completedAt: null };
}

function found(task: Task | undefined, taskId: string): Task {
  if (!task || task.status === 'cancelled') throw new Refused(Reason.TASK_NOT_FOUND, `taskId ${taskId} is not on this board`);
  return task;
}

/** A completed task is final: its bounty is owed or paid. */
function notCompleted(t: Task, taskId: string, rule: string): Task {
  if (t.status === 'completed') throw new Refused(Reason.TASK_COMPLETED, `task ${taskId} is already completed; ${rule}`);
  return t;
}

export function acceptTask(task: Task | undefined, taskId: string, userId: string, now: Date): Task {
  const t = notCompleted(found(task, taskId), taskId, 'only an open task can be accepted');
  if (t.status === 'accepted' && t.assignee === userId) throw new Refused(Reason.ACCEPTED_BY_YOU, `you already accepted task ${taskId}`);
  if (t.status === 'accepted') throw new Refused(Reason.TASK_TAKEN, `task ${taskId} is already accepted by another player; only an open task can be accepted`);
  return { ...t, status: 'accepted', assignee: userId, acceptedAt: now.toISOString() };
}

function assigned(task: Task | undefined, taskId: string, userId: string, action: string): Task {
  const t = notCompleted(found(task, taskId), taskId, 'its bounty is paid');
  if (t.status !== 'accepted' || t.assignee !== userId) throw new Refused(Reason.NOT_ASSIGNEE, `only the player who accepted task ${taskId} can ${action} it`);
  return t;
}

export function completeTask(task: Task | undefined, taskId: string, userId: string, board: string, now: Date): { task: Task; effect: Effect } {
  const t = assigned(task, taskId, userId, 'complete');
  const done: Task = { ...t, status: 'completed', completedAt: now.toISOString() };
  const effect: Effect = { key: `task:${board}:${taskId}`, userId, fromAccount: SystemAccount.bounty, currency: t.bountyCurrency, amount: t.bountyGold, xp: t.bountyXp, reason: 'task.bounty', ref: `board:${board}:${taskId}` };
  return { task: done, effect };
}

export function abandonTask(task: Task | undefined, taskId: string, userId: string): Task {
  const t = assigned(task, taskId, userId, 'abandon');
  return { ...t, status: 'open', assignee: null, acceptedAt: null };
}

export function cancelTask(task: Task | undefined, taskId: string): Task {
  const t = notCompleted(found(task, taskId), taskId, 'its bounty is paid');
  return { ...t, status: 'cancelled' };
}
