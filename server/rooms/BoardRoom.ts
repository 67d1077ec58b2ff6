// The `board` room: one per board name (filterBy board, default `main`), any signed-in user, for
// boards that exist (server/rooms/sharedNames.ts); a second room for a served board is refused. Tasks
// are persisted in `tasks`; the room is their single fenced writer and the writer of the
// `board:<name>` stream. Completing a task owes the assignee its bounty, which their own player
// room pays (an effect, delivered at once and swept until applied).
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '@colyseus/core';
import { BOARD_NAME, BoardCommandType, boardCommands, DEFAULT_BOARD, type Task, type TaskResult } from '../../shared/boardCommands.ts';
import { boardStream, RoomName, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { BoardState, TaskState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import type { Sessions } from '../auth/sessions.ts';
import { Board, type BoardStep } from '../core/board/board.ts';
import type { Metrics } from '../observability/metrics.ts';
import { loadTasks, saveTask } from '../store/boardStore.ts';
import type { Orm } from '../store/orm.ts';
import { insertEffects } from '../store/effectsStore.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { deliverEffects } from './playerRooms.ts';
import { nack, type Reply } from './replies.ts';
import { CofferRoom, type AdapterDeps } from './roomAdapter.ts';
import type { BoardRoomCalls, SharedRoomCalls, TaskCancelCall, TaskCreateCall } from './roomCalls.ts';
import { SerialWriter, type SerialDeps, type SharedDecision } from './serialWriter.ts';
import type { Queryable } from '../store/sql.ts';
import type { SharedNames } from './sharedNames.ts';
import { refuseIfServed } from './sharedRooms.ts';
import { validateCommand } from './validateCommand.ts';
import { RoomAccounts, type UserLimits } from './userLimits.ts';

export type BoardRoomDeps = SerialDeps & Pick<AdapterDeps, 'syncReads' | 'addressLimits'> & { userLimits: Pick<UserLimits, 'config'> } & { orm: Orm; tokens: Tokens; sessions: Pick<Sessions, 'check'>; metrics: Metrics; rateLimitPerSecond: number; names: SharedNames };

// The stream's name is defined once, in shared/ (re-exported for existing importers).
export { boardStream };

export function defineBoardRoom(deps: BoardRoomDeps) {
  return class BoardRoom extends CofferRoom<BoardState> implements BoardRoomCalls, SharedRoomCalls {
    protected readonly adapterDeps = deps;
    state = new BoardState();
    #board = DEFAULT_BOARD;
    #core = new Board(DEFAULT_BOARD, []);
    #writer: SerialWriter | undefined;

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      options.board ??= DEFAULT_BOARD;
      if (typeof options.board !== 'string' || !BOARD_NAME.test(options.board)) throw refuse('INVALID_INPUT', 'board must be 1-32 characters of [a-z0-9-]');
      await deps.names.checkBoard(options.board);
      return identity;
    }

    async onCreate(options: { board?: string }) {
      this.#board = options.board ?? DEFAULT_BOARD;
      const stream = boardStream(this.#board);
      await refuseIfServed(RoomName.board, { board: this.#board }, this.roomId, `board ${this.#board}`);
      const { epoch, seq } = await this.#load(true).catch((error: unknown) => {
        deps.logger.warn({ board: this.#board, err: error }, 'board room could not load');
        throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
      });
      this.#writer = new SerialWriter(deps, stream, stream, epoch, seq, {
        committed: (events) => this.#broadcast(events),
        fenced: () => this.handOver('fence taken'),
        reload: async () => (await this.#load(false)).seq,
      });
      this.state.board = this.#board;
      this.state.seq = seq;
      this.serve({ kind: 'board', commands: boardCommands, accounts: new RoomAccounts(deps.userLimits.config, deps.clock), handle: (client, type, payload) => this.#handle(client.auth as Identity, type, payload) });
    }

    protected release() {
      this.#writer?.dispose();
    }

    /** Called by the admin room: a new open task. */
    adminCreateTask(command: TaskCreateCall): Promise<Reply> {
      const hash = payloadHash('admin.task.create', { title: command.title, bountyGold: command.bountyGold, bountyXp: command.bountyXp });
      return this.#writer!.run(`admin:${command.adminId}`, command.id, hash, () => this.#decision(this.#core.create(randomUUID(), command.title, command.bountyGold, command.bountyXp, new Date(deps.clock.now()))));
    }

    /** Called by the admin room: the task leaves the board (no bounty). */
    adminCancelTask(command: TaskCancelCall): Promise<Reply> {
      const hash = payloadHash('admin.task.cancel', { taskId: command.taskId });
      return this.#writer!.run(`admin:${command.adminId}`, command.id, hash, () => this.#decision(this.#core.cancel(command.taskId)));
    }

    async #load(takeFence: boolean): Promise<{ epoch: number; seq: number }> {
      const stream = boardStream(this.#board);
      const epoch = takeFence ? await takeRoomFence(deps.sql, stream) : 0;
      const tasks = await loadTasks(deps.orm, this.#board);
      const seq = await headSeq(deps.sql, stream);
      if (takeFence) this.#core = new Board(this.#board, tasks);
      else this.#core.reload(tasks);
      this.state.tasks.clear();
      for (const t of tasks) this.#show(t);
      this.state.seq = seq;
      return { epoch, seq };
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const validated = validateCommand(boardCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command;
      if (command.type === BoardCommandType.eventsSync) return this.syncStream(command.id, boardStream(this.#board), command.afterSeq, this.#writer!.seq);
      if (identity.role === 'admin') return nack(command.id, 'FORBIDDEN', 'admins have no wallet and cannot take tasks; manage tasks with admin.task.create and admin.task.cancel');
      const hash = payloadHash(type, payload as Record<string, unknown>);
      const now = () => new Date(deps.clock.now());
      const userId = identity.userId;
      return this.#writer!.run(userId, command.id, hash, () => {
        switch (command.type) {
          case BoardCommandType.taskAccept:
            return this.#decision(this.#core.accept(userId, command.taskId, now()));
          case BoardCommandType.taskAbandon:
            return this.#decision(this.#core.abandon(userId, command.taskId));
          case BoardCommandType.taskComplete:
            return this.#decision(this.#core.complete(userId, command.taskId, now()));
        }
      });
    }

    /** A step of the board core, run by the writer: its writes stored, then shown, then owed. */
    #decision<R extends TaskResult>(step: BoardStep<R>): SharedDecision<R> {
      return {
        result: step.result,
        events: step.events,
        write: (trx) => this.#store(trx, step),
        apply: () => {
          step.apply();
          for (const w of step.writes) if (w.kind === 'task') this.#show(w.task);
          const userId = step.owed;
          // Delivered at once; the sweeper delivers it later if this call is lost.
          if (userId) void deliverEffects(userId, (error) => deps.logger.warn({ userId, err: error }, 'bounty delivery failed; the sweeper will retry'));
        },
      };
    }

    async #store(trx: Queryable, step: BoardStep): Promise<void> {
      for (const w of step.writes) {
        if (w.kind === 'task') await saveTask(deps.sql, trx, this.#board, w.task);
        else await insertEffects(deps.sql, trx, [w.effect]);
      }
    }

    #show(t: Task) {
      const entry = this.state.tasks.get(t.id) ?? new TaskState();
      Object.assign(entry, { ...t, assignee: t.assignee ?? '', acceptedAt: t.acceptedAt ?? '', completedAt: t.completedAt ?? '' });
      if (!this.state.tasks.has(t.id)) this.state.tasks.set(t.id, entry);
    }

    #broadcast(events: WireEvent[]) {
      this.state.seq = this.#writer!.seq;
      for (const event of events) this.broadcast(ServerMessage.event, event);
    }
  };
}
