// A task board, transport-free: the tasks in play and, for each command, the step it
// decides: the reply, the event, what to store (as data) and how the board changes once stored.
// The rules of one task are server/domain/board.ts; the Colyseus adapter (rooms/BoardRoom.ts)
// runs each step through the board's fenced writer (as `writerStep` makes it) and stores its writes.
import { BoardCommandType, type BoardCommand, type Task, type TaskCompleteResult, type TaskResult } from '../../../shared/boardCommands.ts';
import { EventType } from '../../../shared/events.ts';
import { abandonTask, acceptTask, cancelTask, completeTask, newTask } from '../../domain/board.ts';
import type { TaskBounty } from '../../domain/bounty.ts';
import type { Effect } from '../../domain/effects.ts';
import type { DomainEvent } from '../../domain/player.ts';
import type { WriterStep } from '../writer.ts';

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

  /** A player's command (events.sync is not the board's), decided on the board as committed. */
  play(userId: string, command: Exclude<BoardCommand, { type: typeof BoardCommandType.eventsSync }>, now: Date): BoardStep {
    switch (command.type) {
      case BoardCommandType.taskAccept:
        return this.accept(userId, command.taskId, now);
      case BoardCommandType.taskAbandon:
        return this.abandon(userId, command.taskId);
      case BoardCommandType.taskComplete:
        return this.complete(userId, command.taskId, now);
    }
  }

  create(id: string, title: string, bounty: TaskBounty, now: Date): BoardStep {
    const task = newTask(id, title, bounty, now);
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
    const step = this.#change(task, EventType.taskUpdated, { task, bountyGold: task.bountyGold, bountyCurrency: task.bountyCurrency, bountyXp: task.bountyXp });
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

/** Where a board's steps go: storage (in the writer's transaction `T`), its players' view, the owner of a bounty. */
export type BoardPorts<T> = {
  store(trx: T, write: BoardWrite): Promise<void>;
  show(task: Task): void;
  /** After the commit: this player's room applies the bounty owed. */
  owed(userId: string): void;
};

/** A step as the board's writer runs it: its writes stored, then applied and shown, then the bounty's owner told. */
export function writerStep<T, R extends TaskResult>(step: BoardStep<R>, ports: BoardPorts<T>): WriterStep<T> & { result: R } {
  return {
    result: step.result,
    events: step.events,
    write: async (trx) => {
      for (const w of step.writes) await ports.store(trx, w);
    },
    apply: () => {
      step.apply();
      for (const w of step.writes) if (w.kind === 'task') ports.show(w.task);
      if (step.owed) ports.owed(step.owed);
    },
  };
}
