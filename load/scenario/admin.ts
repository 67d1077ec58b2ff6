// The `admin` scenario: the `players` mix at full strength while ADMIN_VUS admins grant gold
// (GRANTS_PER_SECOND each) to players who are playing at that moment. Each admin VU brings its
// own few players (TARGETS), whose rooms take the grants while they play rps, so every grant
// lands in a busy writer; now and then an admin looks a player up or audits the ledger.
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { CommandType } from '../../shared/commands.ts';
import { ErrorCode, RoomName } from '../../shared/protocol.ts';
import { adminSeat, joinAsPlayer, playersRole } from './players.ts';
import { command, setupFailure, Seat, think, VuBudget, type Role, type Scenario, type VuContext } from './scenario.ts';
import type { Session } from './session.ts';

async function playRps(ctx: VuContext, budget: VuBudget, seat: Seat): Promise<void> {
  while (budget.running && (await seat.ready())) {
    await command(ctx, budget, seat, 'game.rps', { bet: 1, hand: 'rock' }, [ErrorCode.INSUFFICIENT_FUNDS]);
    await think(ctx);
  }
}

export const adminsRole: Role = {
  name: 'admins',
  vus: (options) => Math.max(1, Math.floor(options.vus / 10)),
  async run(ctx) {
    if (!ctx.admin) return setupFailure(ctx, 'admin', new Error('the admin scenario needs ADMIN_PASSWORD'));
    const perSecond = Number(ctx.rt.env('GRANTS_PER_SECOND') || 10);
    const targetCount = Number(ctx.rt.env('TARGETS') || 5);
    const adminRoom = await adminSeat(ctx, ctx.admin);
    if (!adminRoom) return;
    const targets: Array<{ session: Session; seat: Seat }> = [];
    for (let i = 0; i < targetCount; i++) {
      const joined = await joinAsPlayer(ctx);
      if (joined) targets.push(joined);
    }
    const budget = new VuBudget(ctx);
    // The targets play while the admin grants: their rooms commit both, in one order.
    const playing = targets.map((t) => playRps(ctx, new VuBudget(ctx), t.seat));
    for (let n = 1; budget.running && targets.length > 0 && (await adminRoom.ready()); n++) {
      const started = ctx.rt.now();
      const target = targets[n % targets.length];
      if (n % 50 === 0) {
        await command(ctx, budget, adminRoom, AdminCommandType.audit, {});
      } else if (n % 10 === 0) {
        await command(ctx, budget, adminRoom, AdminCommandType.userGet, { userId: target.session.userId });
      } else if (n % 7 === 0) {
        // A debit; refused when the player has spent it all already.
        await command(ctx, budget, adminRoom, AdminCommandType.grant, { userId: target.session.userId, amount: -1, reason: 'load test debit' }, [ErrorCode.INSUFFICIENT_FUNDS]);
      } else {
        await command(ctx, budget, adminRoom, AdminCommandType.grant, { userId: target.session.userId, amount: 1 + Math.floor(Math.random() * 100), reason: 'load test grant' });
      }
      const wait = 1000 / perSecond - (ctx.rt.now() - started);
      if (wait > 0) await ctx.rt.sleep(wait);
    }
    await Promise.all(playing);
    for (const t of targets) t.seat.close();
    adminRoom.close();
  },
};

export const admin: Scenario = {
  name: 'admin',
  description: 'the players mix while admins grant, debit, look up and audit (needs ADMIN_PASSWORD)',
  admin: 'required',
  defaults: { vus: 20, duration: '30s', thinkMs: 100 },
  roles: [playersRole, adminsRole],
};
