// The names of every command (and the few constants a client needs to send them), without their
// zod schemas: the browser bundle imports these, and zod would add ~440 KB of minified code to it.
// The schema modules (commands.ts, boardCommands.ts, crashCommands.ts, adminCommands.ts) re-export
// them, so server code keeps importing from there.

/** The player room's own commands. Each game's command is named by its module (server/games/). */
export const CommandType = {
  streakClaim: 'streak.claim',
  eventsSync: 'events.sync',
  fairRotate: 'fair.rotate',
  shopBuy: 'shop.buy',
  walletExchange: 'wallet.exchange',
} as const;
export type CommandType = (typeof CommandType)[keyof typeof CommandType];

/** The largest bet of the built-in games. */
export const MAX_BET = 1_000_000;

export const Hand = ['rock', 'paper', 'scissors'] as const;
export type Hand = (typeof Hand)[number];

export const BoardCommandType = {
  taskAccept: 'task.accept',
  taskComplete: 'task.complete',
  taskAbandon: 'task.abandon',
  eventsSync: 'events.sync',
} as const;

export const DEFAULT_BOARD = 'main';

export const CrashCommandType = {
  bet: 'crash.bet',
  cashout: 'crash.cashout',
  eventsSync: 'events.sync',
} as const;

export const DEFAULT_CRASH_TABLE = 'main';

export const AdminCommandType = {
  grant: 'admin.grant',
  taskCreate: 'admin.task.create',
  taskCancel: 'admin.task.cancel',
  announce: 'admin.announce',
  userGet: 'admin.user.get',
  audit: 'admin.audit',
  kick: 'admin.kick',
  sessionsRevoke: 'admin.sessions.revoke',
  crashOpen: 'admin.crash.open',
  economyPublish: 'admin.economy.publish',
  economyGet: 'admin.economy.get',
} as const;
export type AdminCommandType = (typeof AdminCommandType)[keyof typeof AdminCommandType];
