// The `players` scenario: each VU is one player in its own `player` room, playing a realistic mix:
// the daily claim once, then rock-paper-scissors and the slot machine most of the time, some gacha
// pulls and shop purchases. Also the building block of `admin` and `soak`.
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { CommandType } from '../../shared/commands.ts';
import { ErrorCode, RoomName } from '../../shared/protocol.ts';
import { Reason } from '../../shared/reasons.ts';
import type { CommandFields } from '../../shared/registry.ts';
import { command, guestSession, Seat, think, VuBudget, type Role, type Scenario, type VuContext } from './scenario.ts';
import { RoomConnection, type Session } from './session.ts';

type MixCommand = 'game.rps' | 'game.slot' | 'game.gacha' | typeof CommandType.shopBuy;
/** One command of the mix with its fields, typed together (shared/registry.ts). */
type Pick = { [T in MixCommand]: [type: T, fields: CommandFields<T>] }[MixCommand];

const HANDS = ['rock', 'paper', 'scissors'] as const;
const ITEMS = ['health-potion', 'mana-potion'] as const;

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Out of 100 commands: 35 rps, 35 slot, 8 single gacha pulls, 2 ten-pulls, 20 shop buys. */
export function pickPlayerCommand(): Pick {
  const roll = Math.random() * 100;
  if (roll < 35) return ['game.rps', { bet: randomInt(1, 20), hand: HANDS[randomInt(0, 2)] }];
  if (roll < 70) return ['game.slot', { bet: randomInt(1, 20) }];
  if (roll < 78) return ['game.gacha', { pulls: 1 }];
  if (roll < 80) return ['game.gacha', { pulls: 10 }];
  return [CommandType.shopBuy, { itemId: ITEMS[randomInt(0, 1)], qty: randomInt(1, 3) }];
}

/** A player signs in and takes a seat in their own room; undefined (and a setup error booked) on failure. */
export async function joinAsPlayer(ctx: VuContext): Promise<{ session: Session; seat: Seat } | undefined> {
  const session = await guestSession(ctx, `load-${ctx.vu}`);
  if (!session) return undefined;
  const seat = await Seat.open(ctx, 'player', () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, session.token, RoomName.player));
  return seat && { session, seat };
}

/** A seat in the admin room for the run's admin session. */
export function adminSeat(ctx: VuContext, admin: Session): Promise<Seat | undefined> {
  return Seat.open(ctx, 'admin', () => RoomConnection.join(ctx.rt, ctx.options.baseUrl, admin.token, RoomName.admin));
}

/**
 * Gold to play with: the daily claim, and, when the run has an admin session, a grant of
 * FUND_GOLD through the admin room. Without an admin, expensive commands are refused with
 * INSUFFICIENT_FUNDS, which the mix expects.
 */
export async function fundPlayer(ctx: VuContext, budget: VuBudget, session: Session, seat: Seat): Promise<void> {
  await command(ctx, budget, seat, CommandType.streakClaim, {}, [Reason.ALREADY_CLAIMED]);
  if (!ctx.admin || ctx.options.fundGold <= 0) return;
  const admin = await adminSeat(ctx, ctx.admin);
  if (!admin) return;
  await command(ctx, undefined, admin, AdminCommandType.grant, { userId: session.userId, amount: ctx.options.fundGold, reason: 'load test funds' });
  admin.close();
}

/** Plays the mix until the deadline or the COMMANDS budget. */
export async function playMix(ctx: VuContext, budget: VuBudget, seat: Seat): Promise<void> {
  while (budget.running && (await seat.ready())) {
    const [type, fields] = pickPlayerCommand();
    await command(ctx, budget, seat, type, fields, [ErrorCode.INSUFFICIENT_FUNDS]);
    await think(ctx);
  }
}

export const playersRole: Role = {
  name: 'players',
  vus: (options) => options.vus,
  async run(ctx) {
    const joined = await joinAsPlayer(ctx);
    if (!joined) return;
    const budget = new VuBudget(ctx);
    await fundPlayer(ctx, budget, joined.session, joined.seat);
    await playMix(ctx, budget, joined.seat);
    joined.seat.close();
  },
};

export const players: Scenario = {
  name: 'players',
  description: 'players in their own rooms: daily claim, rps, slot, gacha, shop (ADMIN_PASSWORD funds them)',
  admin: 'optional',
  defaults: { vus: 20, duration: '30s', thinkMs: 100 },
  roles: [playersRole],
};
