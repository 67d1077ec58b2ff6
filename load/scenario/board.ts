// The `board` scenario: one admin VU creates tasks on a board (TASKS_PER_SECOND); the player VUs
// watch the board's events and race to accept each new task; whoever gets it completes it (the
// bounty is paid by their own player room). Losing a race is CONFLICT, which is expected.
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { BoardCommandType, DEFAULT_BOARD, type Task } from '../../shared/boardCommands.ts';
import { EventType } from '../../shared/events.ts';
import { ErrorCode, RoomName, type WireEvent } from '../../shared/protocol.ts';
import { EventQueue } from './eventQueue.ts';
import { adminSeat } from './players.ts';
import { command, failure, Seat, think, VuBudget, type Role, type Scenario, type VuContext } from './scenario.ts';
import { RoomConnection, signInGuest, type Session } from './session.ts';

const boardName = (ctx: VuContext) => ctx.rt.env('BOARD') || DEFAULT_BOARD;

export const boardAdminRole: Role = {
  name: 'boardAdmin',
  vus: () => 1,
  async run(ctx) {
    if (!ctx.admin) return failure(ctx, 'board admin', new Error('the board scenario needs ADMIN_PASSWORD (an admin creates the tasks)'));
    const perSecond = Number(ctx.rt.env('TASKS_PER_SECOND') || 5);
    const seat = await adminSeat(ctx, ctx.admin);
    if (!seat) return;
    const budget = new VuBudget(ctx);
    for (let n = 1; budget.running && (await seat.ready()); n++) {
      const started = ctx.rt.now();
      await command(ctx, budget, seat, AdminCommandType.taskCreate, { board: boardName(ctx), title: `load task ${n}`, bountyGold: 5, bountyXp: 1 });
      const wait = 1000 / perSecond - (ctx.rt.now() - started);
      if (wait > 0) await ctx.rt.sleep(wait);
    }
    seat.close();
  },
};

export const boardPlayersRole: Role = {
  name: 'boardPlayers',
  vus: (options) => options.vus,
  async run(ctx) {
    let session: Session;
    try {
      session = await signInGuest(ctx.rt, ctx.options.baseUrl, `board-${ctx.vu}`);
    } catch (error) {
      return failure(ctx, 'guest sign-in', error);
    }
    // Open tasks are learnt from the board's events: live ones, and after every (re)join the
    // ones missed while away, through events.sync as the protocol asks of a client (a player that
    // joins a board room that a duplicate then replaced would otherwise never hear of them).
    const created = new EventQueue(ctx.rt);
    const seen = new Set<string>();
    let lastSeq = 0;
    const onBoardEvent = (event: WireEvent<any>) => {
      lastSeq = Math.max(lastSeq, event.seq);
      if (event.type !== EventType.taskCreated) return;
      const task = (event.data as { task: Task }).task;
      if (seen.has(task.id)) return;
      seen.add(task.id);
      created.push(event);
    };
    const seat = await Seat.open(
      ctx,
      'board',
      () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, session.token, RoomName.board, { board: boardName(ctx) }),
      (room) => {
        room.onEvent = onBoardEvent;
      },
    );
    if (!seat) return;
    const budget = new VuBudget(ctx);
    const sync = async () => {
      const reply = await command(ctx, budget, seat, BoardCommandType.eventsSync, { afterSeq: lastSeq });
      if ('ack' in reply) for (const event of (reply.ack.result as { events: WireEvent<any>[] }).events) onBoardEvent(event);
    };
    let synced: RoomConnection | undefined;
    while (budget.running && (await seat.ready())) {
      if (synced !== seat.room) {
        synced = seat.room;
        await sync();
        continue;
      }
      const event = await created.next(1000);
      if (!event) continue;
      const task = (event.data as { task: Task }).task;
      const accepted = await command(ctx, budget, seat, BoardCommandType.taskAccept, { taskId: task.id }, [ErrorCode.CONFLICT, ErrorCode.NOT_FOUND]);
      if (!('ack' in accepted)) continue;
      await think(ctx);
      await command(ctx, budget, seat, BoardCommandType.taskComplete, { taskId: task.id });
    }
    seat.close();
  },
};

export const board: Scenario = {
  name: 'board',
  description: 'an admin creates tasks (TASKS_PER_SECOND); players race to accept and complete them (needs ADMIN_PASSWORD)',
  admin: 'required',
  defaults: { vus: 10, duration: '30s', thinkMs: 50 },
  roles: [boardAdminRole, boardPlayersRole],
};
