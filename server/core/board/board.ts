// A task board, transport-free (issue 15): the tasks in play and, for each command, the step it
// decides: the reply, the event, what to store (as data) and how the board changes once stored.
// The rules of one task are server/domain/board.ts; the Colyseus adapter (rooms/BoardRoom.ts)
// runs each step through the board's fenced writer and stores its writes.
import type { Task, TaskCompleteResult, TaskResult } from '../../../shared/boardCommands.ts';
import { EventType } from '../../../shared/events.ts';
import { abandonTask, acceptTask, cancelTask, completeTask, newTask } from '../../domain/board.ts';
import type { Effect } from '../../domain/effects.ts';
import type { DomainEvent } from '../../domain/player.ts';

export type BoardWrite = { kind: 'task'; task: Task } | { kind: 'bounty'; effect: Effect };

/** `R`: the ack result of the command the step decides (shared/registry.ts). */
export type BoardStep<R extends TaskResult = TaskResult> = {
  result: R;
  events: DomainEvent[];
  writes: BoardWrite[];
  /** After the commit: the board as it now stands. */
  apply(): void;
  /** After the commit: the player owed a bounty (their room applies it). */
  owed?: string;
};

export class Board {
  readonly name: string;
  #tasks: Map<string, Task>;

  constructor(name: string, tasks: readonly Task[]) {
    this.name = name;
    this.#tasks = new Map(tasks.map((t) => [t.id, t]));
  }

  get tasks(): Task[] {
    return [...this.#tasks.values()];
  }

  /** The board as storage holds it again (after a commit whose outcome was unknown). */
  reload(tasks: readonly Task[]): void {
    this.#tasks = new Map(tasks.map((t) => [t.id, t]));
  }

  create(id: string, title: string, bountyGold: number, bountyXp: number, now: Date): BoardStep {
    const task = newTask(id, title, bountyGold, bountyXp, now);
    return this.#change(task, EventType.taskCreated, { task });
  }

  cancel(taskId: string): BoardStep {
    const task = cancelTask(this.#tasks.get(taskId), taskId);
    return this.#change(task, EventType.taskUpdated, { task });
  }

  accept(userId: string, taskId: string, now: Date): BoardStep {
    const task = acceptTask(this.#tasks.get(taskId), taskId, userId, now);
    return this.#change(task, EventType.taskUpdated, { task });
  }

  abandon(userId: string, taskId: string): BoardStep {
    const task = abandonTask(this.#tasks.get(taskId), taskId, userId);
    return this.#change(task, EventType.taskUpdated, { task });
  }

  /** The bounty is owed in the same commit as the completion (an effect), paid by the owner. */
  complete(userId: string, taskId: string, now: Date): BoardStep<TaskCompleteResult> {
    const { task, effect } = completeTask(this.#tasks.get(taskId), taskId, userId, this.name, now);
    const step = this.#change(task, EventType.taskUpdated, { task, bountyGold: task.bountyGold, bountyXp: task.bountyXp });
    return { ...step, writes: [...step.writes, { kind: 'bounty', effect }], owed: userId };
  }

  #change<R extends TaskResult>(task: Task, eventType: typeof EventType.taskCreated | typeof EventType.taskUpdated, result: R): BoardStep<R> {
    return {
      result,
      events: [{ type: eventType, data: { task } }],
      writes: [{ kind: 'task', task }],
      apply: () => void this.#tasks.set(task.id, task),
    };
  }
}
