// The `crash` scenario: many players at one crash table. Each round every VU bets while betting is
// open, then cashes out at a random moment while it runs (a cash-out after the crash is refused
// with CONFLICT, which is part of the game). Rounds run at the server's pace (CRASH_BETTING_MS...).
import { CrashCommandType, DEFAULT_CRASH_TABLE } from '../../shared/crashCommands.ts';
import { EventType } from '../../shared/events.ts';
import { ErrorCode, RoomName } from '../../shared/protocol.ts';
import { Reason } from '../../shared/reasons.ts';
import { EventQueue } from './eventQueue.ts';
import { fundPlayer, joinAsPlayer } from './players.ts';
import { command, Seat, VuBudget, type Role, type Scenario } from './scenario.ts';
import { RoomConnection } from './session.ts';

export const crashPlayersRole: Role = {
  name: 'crashPlayers',
  vus: (options) => options.vus,
  async run(ctx) {
    const joined = await joinAsPlayer(ctx);
    if (!joined) return;
    const budget = new VuBudget(ctx);
    await fundPlayer(ctx, budget, joined.session, joined.seat);
    const rounds = new EventQueue(ctx.rt);
    const table = await Seat.open(
      ctx,
      'crash',
      () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, joined.session.token, RoomName.crash, { table: ctx.rt.env('CRASH_TABLE') || DEFAULT_CRASH_TABLE }),
      (room) => {
        room.onEvent = (event) => {
          if (event.type === EventType.crashRound) rounds.push(event);
        };
      },
    );
    if (!table) return joined.seat.close();
    let betOn = -1;
    while (budget.running && (await table.ready())) {
      const event = await rounds.next(1000);
      if (event?.type !== EventType.crashRound) continue;
      const round = event.data;
      // A round's betting event can come twice (live, and again after a rejoin's events.sync):
      // one bet per round; a second one would be refused ALREADY_BET.
      if (round.phase === 'betting' && betOn !== round.roundId) {
        const amount = 1 + Math.floor(Math.random() * 10);
        const reply = await command(ctx, budget, table, CrashCommandType.bet, { amount }, [Reason.ROUND_CLOSED, Reason.STAKE_ROUND_OVER, Reason.ALREADY_BET, ErrorCode.INSUFFICIENT_FUNDS]);
        if ('ack' in reply) betOn = round.roundId;
      } else if (round.phase === 'running' && betOn === round.roundId) {
        // Cash out somewhere in the first two seconds; many rounds crash before that, and a short
        // round may be followed by the next one's betting (ROUND_NOT_RUNNING) or running phase,
        // where this player has no bet (NO_BET).
        await ctx.rt.sleep(Math.random() * 2000);
        await command(ctx, budget, table, CrashCommandType.cashout, {}, [Reason.ROUND_NOT_RUNNING, Reason.CRASHED_FIRST, Reason.NO_BET]);
      }
    }
    table.close();
    joined.seat.close();
  },
};

export const crash: Scenario = {
  name: 'crash',
  description: 'players betting and cashing out every round at one crash table (ADMIN_PASSWORD funds them)',
  admin: 'optional',
  defaults: { vus: 20, duration: '60s', thinkMs: 0 },
  roles: [crashPlayersRole],
};
