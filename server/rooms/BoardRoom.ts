// The `board` room: one per board that exists (filterBy board, default `main`), any signed-in user;
// a shared room (sharedRoom.ts) writing the board's tasks and `board:<name>` stream, decided by the
// board core (server/core/board/board.ts). A completed task's bounty is paid by the assignee's room.
import { randomUUID } from 'node:crypto';
import { BOARD_NAME, boardCommands, DEFAULT_BOARD, type Task } from '../../shared/boardCommands.ts';
import { boardStream, RoomName } from '../../shared/protocol.ts';
import { BoardState, TaskState } from '../../shared/state.ts';
import type { Identity } from '../auth/tokens.ts';
import { Board, writerStep, type BoardPorts, type BoardStep } from '../core/board/board.ts';
import { loadTasks, saveTask } from '../store/boardStore.ts';
import { insertEffects } from '../store/effectsStore.ts';
import type { Queryable } from '../store/sql.ts';
import { taskBounty } from '../domain/bounty.ts';
import type { EconomySource } from '../economy/source.ts';
import { payloadHash } from '../writers/payloadHash.ts';
import type { BoardRoomCalls, TaskCancelCall, TaskCreateCall } from '../calls/roomCalls.ts';
import { bindSharedRoom, SharedRoom, type RoomCommand, type SharedRoomDeps, type SharedRoomSpec } from './sharedRoom.ts';

/** `economy`: the version in force, for a task's default bounty. */
export type BoardRoomDeps = SharedRoomDeps & { economy: EconomySource };

export class BoardRoom extends SharedRoom<BoardState, BoardRoomDeps, typeof boardCommands, Task[]> implements BoardRoomCalls {
  static readonly spec: SharedRoomSpec<BoardRoomDeps, typeof boardCommands> = {
    kind: RoomName.board, commands: boardCommands, stream: boardStream,
    named: { option: 'board', fallback: DEFAULT_BOARD, pattern: BOARD_NAME, what: 'board', exists: (deps, board) => deps.names.checkBoard(board) },
    refuseAdmins: 'admins have no wallet and cannot take tasks; manage tasks with admin.task.create and admin.task.cancel',
  };
  state = new BoardState();
  #core = new Board(DEFAULT_BOARD, []);
  readonly #ports: BoardPorts<Queryable> = {
    store: (trx, w) => (w.kind === 'task' ? saveTask(this.deps.sql, trx, this.name, w.task) : insertEffects(this.deps.sql, trx, [w.effect])),
    show: (t: Task) => {
      const entry = this.state.tasks.get(t.id) ?? new TaskState();
      Object.assign(entry, { ...t, assignee: t.assignee ?? '', acceptedAt: t.acceptedAt ?? '', completedAt: t.completedAt ?? '' });
      if (!this.state.tasks.has(t.id)) this.state.tasks.set(t.id, entry);
    },
    owed: (userId) => this.deliver(userId, 'bounty'),
  };

  protected load() { return loadTasks(this.deps.orm, this.name); }
  protected open(tasks: Task[]) {
    this.#core = new Board(this.name, tasks);
    this.state.board = this.name;
    this.state.tasks.clear();
    for (const t of tasks) this.#ports.show(t);
  }

  adminCreateTask(c: TaskCreateCall) {
    return this.#run(`admin:${c.adminId}`, c.id, payloadHash('admin.task.create', { title: c.title, bountyGold: c.bountyGold, bountyXp: c.bountyXp, bountyCurrency: c.bountyCurrency }), (now) => {
      return this.#core.create(randomUUID(), c.title, taskBounty(c, this.deps.economy.current().economy), now);
    });
  }

  adminCancelTask(c: TaskCancelCall) { return this.#run(`admin:${c.adminId}`, c.id, payloadHash('admin.task.cancel', { taskId: c.taskId }), () => this.#core.cancel(c.taskId)); }

  protected decide(command: RoomCommand<typeof boardCommands>, { userId }: Identity, hash: string) {
    return this.#run(userId, command.id, hash, (now) => this.#core.play(userId, command, now));
  }

  /** Decided when the command's turn comes, on the board as committed. */
  #run(actor: string, id: string, hash: string, decide: (now: Date) => BoardStep) {
    return this.writer.run(actor, id, hash, () => writerStep(decide(new Date(this.deps.clock.now())), this.#ports));
  }
}

export const defineBoardRoom = (deps: BoardRoomDeps) => bindSharedRoom(BoardRoom, deps);
