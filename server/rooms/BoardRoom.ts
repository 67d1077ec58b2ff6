// The `board` room: one per board name (filterBy board, default `main`), any signed-in user. Tasks
// are persisted in `tasks`; the room is their single fenced writer and the writer of the
// `board:<name>` stream. Completing a task owes the assignee its bounty, which their own player
// room pays (an effect, delivered at once and swept until applied).
import { randomUUID } from 'node:crypto';
import { Room, type AuthContext, type Client } from '@colyseus/core';
import { BOARD_NAME, BoardCommandType, boardCommands, DEFAULT_BOARD, type BoardCommand, type Task } from '../../shared/boardCommands.ts';
import { EventType } from '../../shared/events.ts';
import { boardStream, ServerMessage, CloseCode, type WireEvent } from '../../shared/protocol.ts';
import { BoardState, TaskState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import { acceptTask, abandonTask, cancelTask, completeTask, newTask } from '../domain/board.ts';
import type { Metrics } from '../observability/metrics.ts';
import { loadTasks, saveTask } from '../store/boardStore.ts';
import { insertEffects } from '../store/effectsStore.ts';
import { readStream } from '../store/outboxReader.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { deliverEffects } from './playerRooms.ts';
import { RateLimiter } from './rateLimiter.ts';
import { ack, nack, type Reply } from './replies.ts';
import { forbiddenAdminCommand } from './playerWriter.ts';
import { SerialWriter, type SerialDeps, type SharedDecision } from './serialWriter.ts';
import { validateCommand } from './validateCommand.ts';

export type BoardRoomDeps = SerialDeps & { tokens: Tokens; metrics: Metrics; rateLimitPerSecond: number };

// The stream's name is defined once, in shared/ (re-exported for existing importers).
export { boardStream };

export function defineBoardRoom(deps: BoardRoomDeps) {
  return class BoardRoom extends Room<{ state: BoardState }> {
    state = new BoardState();
    #board = DEFAULT_BOARD;
    #tasks = new Map<string, Task>();
    #writer: SerialWriter | undefined;
    readonly #limits = new WeakMap<Client, RateLimiter>();

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      options.board ??= DEFAULT_BOARD;
      if (typeof options.board !== 'string' || !BOARD_NAME.test(options.board)) throw refuse('INVALID_INPUT', 'board must be 1-32 characters of [a-z0-9-]');
      return identity;
    }

    async onCreate(options: { board?: string }) {
      this.#board = options.board ?? DEFAULT_BOARD;
      const stream = boardStream(this.#board);
      const { epoch, seq } = await this.#load(true).catch((error: unknown) => {
        deps.logger.warn({ board: this.#board, err: error }, 'board room could not load');
        throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
      });
      this.#writer = new SerialWriter(deps, stream, stream, epoch, seq, {
        committed: (events) => this.#broadcast(events),
        fenced: () => {
          void this.lock();
          setImmediate(() => void this.disconnect(CloseCode.RECONNECT).catch(() => undefined));
        },
        reload: async () => (await this.#load(false)).seq,
      });
      this.state.board = this.#board;
      this.state.seq = seq;
      this.onMessage('*', (client, type, payload) => this.#receive(client, String(type), payload));
      deps.metrics.rooms.inc({ room: 'board' });
    }

    onDispose() {
      this.#writer?.dispose();
      deps.metrics.rooms.dec({ room: 'board' });
    }

    async onDrop(client: Client) {
      await this.allowReconnection(client, 20).catch(() => undefined);
    }

    /** Called by the admin room: a new open task. */
    adminCreateTask(command: { id: string; adminId: string; title: string; bountyGold: number; bountyXp: number }): Promise<Reply> {
      const hash = payloadHash('admin.task.create', { title: command.title, bountyGold: command.bountyGold, bountyXp: command.bountyXp });
      return this.#writer!.run(`admin:${command.adminId}`, command.id, hash, () => {
        const task = newTask(randomUUID(), command.title, command.bountyGold, command.bountyXp, new Date(deps.clock.now()));
        return this.#change(task, EventType.taskCreated, { task });
      });
    }

    /** Called by the admin room: the task leaves the board (no bounty). */
    adminCancelTask(command: { id: string; adminId: string; taskId: string }): Promise<Reply> {
      const hash = payloadHash('admin.task.cancel', { taskId: command.taskId });
      return this.#writer!.run(`admin:${command.adminId}`, command.id, hash, () => {
        const task = cancelTask(this.#tasks.get(command.taskId), command.taskId);
        return this.#change(task, EventType.taskUpdated, { task });
      });
    }

    async #load(takeFence: boolean): Promise<{ epoch: number; seq: number }> {
      const stream = boardStream(this.#board);
      const epoch = takeFence ? await takeRoomFence(deps.sql, stream) : 0;
      const tasks = await loadTasks(deps.sql, this.#board);
      const seq = await headSeq(deps.sql, stream);
      this.#tasks = new Map(tasks.map((t) => [t.id, t]));
      this.state.tasks.clear();
      for (const t of tasks) this.#show(t);
      this.state.seq = seq;
      return { epoch, seq };
    }

    #receive(client: Client, type: string, payload: unknown) {
      let limiter = this.#limits.get(client);
      if (!limiter) this.#limits.set(client, (limiter = new RateLimiter(deps.rateLimitPerSecond, deps.clock)));
      const verdict = limiter.take();
      if (verdict === 'close') return client.leave(CloseCode.RATE_LIMITED);
      const reply =
        verdict === 'limited'
          ? Promise.resolve(nack(null, 'RATE_LIMITED', `more than ${deps.rateLimitPerSecond} messages in one second; slow down`, true))
          : this.#handle(client.auth as Identity, type, payload);
      void reply.then((r) => ('ack' in r ? client.send(ServerMessage.ack, r.ack) : client.send(ServerMessage.nack, r.nack)));
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      if (type.startsWith('admin.')) return forbiddenAdminCommand(payload);
      const validated = validateCommand(boardCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command as BoardCommand;
      if (command.type === BoardCommandType.eventsSync) return this.#sync(command.id, command.afterSeq);
      if (identity.role === 'admin') return nack(command.id, 'FORBIDDEN', 'admins have no wallet and cannot take tasks; manage tasks with admin.task.create and admin.task.cancel');
      const hash = payloadHash(type, payload as Record<string, unknown>);
      const now = () => new Date(deps.clock.now());
      const userId = identity.userId;
      return this.#writer!.run(userId, command.id, hash, () => {
        const current = this.#tasks.get(command.taskId);
        switch (command.type) {
          case BoardCommandType.taskAccept: {
            const task = acceptTask(current, command.taskId, userId, now());
            return this.#change(task, EventType.taskUpdated, { task });
          }
          case BoardCommandType.taskAbandon: {
            const task = abandonTask(current, command.taskId, userId);
            return this.#change(task, EventType.taskUpdated, { task });
          }
          case BoardCommandType.taskComplete: {
            const { task, effect } = completeTask(current, command.taskId, userId, this.#board, now());
            const decision = this.#change(task, EventType.taskUpdated, { task, bountyGold: task.bountyGold, bountyXp: task.bountyXp });
            return {
              ...decision,
              write: async (trx) => {
                await decision.write!(trx);
                await insertEffects(deps.sql, trx, [effect]);
              },
              apply: () => {
                decision.apply!();
                // Delivered at once; the sweeper delivers it later if this call is lost.
                void deliverEffects(userId, (error) => deps.logger.warn({ userId, err: error }, 'bounty delivery failed; the sweeper will retry'));
              },
            };
          }
        }
      });
    }

    #change(task: Task, eventType: string, result: Record<string, unknown>): SharedDecision<unknown> {
      return {
        result,
        events: [{ type: eventType, data: { task } }],
        write: (trx) => saveTask(deps.sql, trx, this.#board, task),
        apply: () => {
          this.#tasks.set(task.id, task);
          this.#show(task);
        },
      };
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

    async #sync(id: string, afterSeq: number): Promise<Reply> {
      try {
        const head = this.#writer!.seq;
        const { events, oldestSeq } = await readStream(deps.sql, boardStream(this.#board), afterSeq);
        if (oldestSeq !== null && afterSeq + 1 < oldestSeq) return ack(id, { snapshot: true, seq: head });
        return ack(id, { events: events.filter((e) => e.seq <= head), seq: head });
      } catch {
        return nack(id, 'UNAVAILABLE', 'events could not be read from storage; try events.sync again', true);
      }
    }
  };
}
