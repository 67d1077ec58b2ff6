// The `board` scenario: one admin VU creates tasks on a board (TASKS_PER_SECOND); the player VUs
// watch the board's events and race to accept each new task; whoever gets it completes it (the
// bounty is paid by their own player room). Losing a race is CONFLICT, which is expected. Its
// purpose is checked, not assumed: tasks were completed, and at the end every winner reads its own
// player stream and finds each bounty paid exactly once.
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { BoardCommandType, DEFAULT_BOARD, type Task } from '../../shared/boardCommands.ts';
import { CommandType } from '../../shared/commands.ts';
import { EventType, type BalanceChanged } from '../../shared/events.ts';
import { RoomName } from '../../shared/protocol.ts';
import { Reason } from '../../shared/reasons.ts';
import type { TypedEvent } from '../../shared/registry.ts';
import { EventQueue } from './eventQueue.ts';
import { adminSeat } from './players.ts';
import { Metric } from './runtime.ts';
import { command, guestSession, Seat, setupFailure, think, VuBudget, type Role, type Scenario, type VuContext } from './scenario.ts';
import { RoomConnection } from './session.ts';

const boardName = (ctx: VuContext) => ctx.rt.env('BOARD') || DEFAULT_BOARD;
/** How long a winner waits, after its last command, for its bounties to show in its player stream. */
const BOUNTY_WAIT_MS = 15_000;

export const boardAdminRole: Role = {
  name: 'boardAdmin',
  vus: () => 1,
  async run(ctx) {
    if (!ctx.admin) return setupFailure(ctx, 'board admin', new Error('the board scenario needs ADMIN_PASSWORD (an admin creates the tasks)'));
    const admin = ctx.admin;
    const perSecond = Number(ctx.rt.env('TASKS_PER_SECOND') || 5);
    // The admin first takes a seat in the board's room through the matchmaker (joinOrCreate, under
    // its lock, like every player's join), and keeps it for the run. Its task.create reaches the
    // board's room by a lookup outside that lock; if that lookup came first it could create a
    // second room for the board, whose players would hear of no task (load/README.md, "Known
    // server issue"): with a room already there, the lookup finds it.
    const board = await Seat.open(ctx, 'board (admin)', () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, admin.token, RoomName.board, { board: boardName(ctx) }));
    if (!board) return;
    const seat = await adminSeat(ctx, admin);
    if (!seat) return board.close();
    const budget = new VuBudget(ctx);
    for (let n = 1; budget.running && (await seat.ready()); n++) {
      const started = ctx.rt.now();
      await command(ctx, budget, seat, AdminCommandType.taskCreate, { board: boardName(ctx), title: `load task ${n}`, bountyGold: 5, bountyXp: 1 });
      const wait = 1000 / perSecond - (ctx.rt.now() - started);
      if (wait > 0) await ctx.rt.sleep(wait);
    }
    seat.close();
    board.close();
  },
};

/** Every balance.changed event of the player's own stream, paged through events.sync. */
async function balanceEvents(ctx: VuContext, seat: Seat): Promise<BalanceChanged[] | undefined> {
  const found: BalanceChanged[] = [];
  for (let afterSeq = 0; ; ) {
    const reply = await command(ctx, undefined, seat, CommandType.eventsSync, { afterSeq });
    if (!('ack' in reply)) return undefined;
    const result = reply.ack.result;
    // A snapshot answer means the oldest events were pruned: the ledger cannot be read this way.
    if ('snapshot' in result) return undefined;
    if (result.events.length === 0) return found;
    for (const event of result.events) if (event.type === EventType.balanceChanged) found.push(event.data);
    afterSeq = result.events[result.events.length - 1].seq;
  }
}

/**
 * The board's purpose, checked from the winner's side: each task it completed pays its bounty
 * once. The bounty is an effect the player's own room applies, so the player reads its stream
 * until every bounty is there or BOUNTY_WAIT_MS passed; each task is then one check, and a task
 * not paid exactly once counts in coffer_bounty_mismatches (a threshold allows none).
 */
async function verifyBounties(ctx: VuContext, seat: Seat, completed: Task[]): Promise<void> {
  // The bounty transfer's ref names the board and the task (docs/PROTOCOL.md, balance.changed).
  const paidFor = (events: BalanceChanged[], task: Task) => events.filter((e) => e.reason === 'task.bounty' && e.ref !== null && e.ref.endsWith(`:${task.id}`)).length;
  const until = ctx.rt.now() + BOUNTY_WAIT_MS;
  let events: BalanceChanged[] | undefined = [];
  for (;;) {
    events = await balanceEvents(ctx, seat);
    if (!events || completed.every((task) => paidFor(events!, task) >= 1) || ctx.rt.now() >= until) break;
    await ctx.rt.sleep(250);
  }
  for (const task of completed) {
    const paid = events ? paidFor(events, task) : 0;
    if (!ctx.rt.check('task bounty paid exactly once', paid === 1)) {
      ctx.rt.count(Metric.bountyMismatches);
      ctx.rt.log(`task ${task.id}: its bounty was paid ${paid} times${events ? '' : ' (the player stream could not be read)'}`);
    }
  }
}

export const boardPlayersRole: Role = {
  name: 'boardPlayers',
  vus: (options) => options.vus,
  async run(ctx) {
    const session = await guestSession(ctx, `board-${ctx.vu}`);
    if (!session) return;
    // Like the browser client, the player sits in its own room while it plays the board: the room
    // that pays its bounties, and whose stream shows them. Joining it first also keeps the join
    // from racing the first bounty's delivery, which creates the room of an offline player outside
    // the matchmaker's lock (server/calls/playerRooms.ts); the epoch fence settles such a race,
    // but the losing room's clients are sent away (4100) and the server logs a warning.
    const wallet = await Seat.open(ctx, 'player', () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, session.token, RoomName.player));
    if (!wallet) return;
    // Open tasks are learnt from the board's events: live ones, and after every (re)join the
    // ones missed while away, through events.sync as the protocol asks of a client.
    const created = new EventQueue(ctx.rt);
    const seen = new Set<string>();
    let lastSeq = 0;
    const onBoardEvent = (event: TypedEvent) => {
      lastSeq = Math.max(lastSeq, event.seq);
      if (event.type !== EventType.taskCreated) return;
      const task = event.data.task;
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
    if (!seat) return wallet.close();
    const budget = new VuBudget(ctx);
    const sync = async () => {
      const reply = await command(ctx, budget, seat, BoardCommandType.eventsSync, { afterSeq: lastSeq });
      if ('ack' in reply && 'events' in reply.ack.result) for (const event of reply.ack.result.events) onBoardEvent(event);
    };
    const completed: Task[] = [];
    let synced: RoomConnection | undefined;
    while (budget.running && (await seat.ready())) {
      if (synced !== seat.room) {
        synced = seat.room;
        await sync();
        continue;
      }
      const event = await created.next(1000);
      if (!event) continue;
      if (event.type !== EventType.taskCreated) continue;
      const task = event.data.task;
      const accepted = await command(ctx, budget, seat, BoardCommandType.taskAccept, { taskId: task.id }, [Reason.TASK_TAKEN, Reason.TASK_NOT_FOUND, Reason.TASK_COMPLETED]);
      if (!('ack' in accepted)) continue;
      await think(ctx);
      const done = await command(ctx, budget, seat, BoardCommandType.taskComplete, { taskId: task.id });
      if ('ack' in done) {
        ctx.rt.count(Metric.tasksCompleted);
        completed.push(task);
      }
    }
    seat.close();
    if (completed.length > 0) await verifyBounties(ctx, wallet, completed);
    wallet.close();
  },
};

export const board: Scenario = {
  name: 'board',
  description: 'an admin creates tasks (TASKS_PER_SECOND); players race to accept and complete them (needs ADMIN_PASSWORD)',
  admin: 'required',
  defaults: { vus: 10, duration: '30s', thinkMs: 50 },
  roles: [boardAdminRole, boardPlayersRole],
  // Its purpose: tasks got completed, and each one paid its bounty once.
  thresholds: { [Metric.tasksCompleted]: ['count>0'], [Metric.bountyMismatches]: ['count<1'] },
};
