// What each admin command is, transport-free: a pure decision the admin room's
// adapter carries out. Gold moves only in its owner's room, so a grant is a call to the player's
// room; tasks are the board's; the admin room itself writes only announcements (the `global`
// stream), new crash tables and economy versions, through its fenced writer; reads are reads. The
// shop's offers are the economy's (economy.shop), edited by publishing a new version.
import { AdminCommandType, type AdminCommand } from '../../../shared/adminCommands.ts';
import { GOLD } from '../../../shared/economy.ts';
import { EventType } from '../../../shared/events.ts';
import { Reason } from '../../../shared/reasons.ts';
import type { CommandResult } from '../../../shared/registry.ts';
import { Refused } from '../../domain/errors.ts';
import type { DomainEvent } from '../../domain/player.ts';

/** What the admin writer stores (as data; the adapter runs it in the fenced transaction). */
export type AdminWrite = { kind: 'crashOpen'; table: string };

/** The ack result of a write through the admin writer, before the write completes it (admin.crash.open's `opened`). */
export type AdminWriteResult = Omit<CommandResult<typeof AdminCommandType.crashOpen>, 'opened'>;

export type AdminAction =
  /** A grant, applied by the player's own room; a player who never played is NOT_FOUND. */
  | { route: 'grant'; userId: string; grant: { id: string; amount: number; currency: string; reason: string } }
  | { route: 'taskCreate'; board: string | undefined; task: { id: string; adminId: string; title: string; bountyGold?: number; bountyXp?: number } }
  | { route: 'taskCancel'; board: string | undefined; task: { id: string; adminId: string; taskId: string } }
  /** Through the admin writer, stored once per (admin, id) with its reply: `result`, completed by
   *  what the write found (a crash table `opened` or not). */
  | { route: 'write'; write: AdminWrite; result: AdminWriteResult }
  /** An event on the `global` stream, through the admin writer; the reply is its seq. */
  | { route: 'announce'; events: DomainEvent[] }
  | { route: 'userGet'; userId: string }
  | { route: 'audit' }
  /** Sessions are the sign-in layer's (server/rooms/sessionCommands.ts): a kick closes the
   *  player's sockets (and may ban), a revocation ends every session. */
  | { route: 'kick'; kick: { userId: string; reason: string; banSeconds?: number } }
  | { route: 'sessionsRevoke'; revoke: { userId: string; reason: string } }
  /** A new economy version (server/economy/runtime.ts): validated, then stored through the admin
   *  writer with its audit line (or, for a dry run, only validated). */
  | { route: 'economyPublish'; economy: Record<string, unknown>; dryRun: boolean }
  | { route: 'economyGet' };

/** A grant or a lookup for a userId that never played (no player row): refused, nothing routed. */
export function unknownUser(userId: string): Refused {
  return new Refused(Reason.UNKNOWN_USER, `userId ${userId} has never played`);
}

export function decideAdmin(command: AdminCommand, adminId: string): AdminAction {
  switch (command.type) {
    case AdminCommandType.grant:
      return { route: 'grant', userId: command.userId, grant: { id: command.id, amount: command.amount, currency: command.currency ?? GOLD, reason: command.reason } };
    case AdminCommandType.taskCreate:
      return { route: 'taskCreate', board: command.board, task: { id: command.id, adminId, title: command.title, bountyGold: command.bountyGold, bountyXp: command.bountyXp } };
    case AdminCommandType.taskCancel:
      return { route: 'taskCancel', board: command.board, task: { id: command.id, adminId, taskId: command.taskId } };
    case AdminCommandType.announce:
      return { route: 'announce', events: [{ type: EventType.announcement, data: { text: command.text } }] };
    case AdminCommandType.crashOpen:
      return { route: 'write', write: { kind: 'crashOpen', table: command.table }, result: { table: command.table } };
    case AdminCommandType.userGet:
      return { route: 'userGet', userId: command.userId };
    case AdminCommandType.audit:
      return { route: 'audit' };
    case AdminCommandType.kick:
      return { route: 'kick', kick: { userId: command.userId, reason: command.reason, ...(command.banSeconds === undefined ? {} : { banSeconds: command.banSeconds }) } };
    case AdminCommandType.sessionsRevoke:
      return { route: 'sessionsRevoke', revoke: { userId: command.userId, reason: command.reason } };
    case AdminCommandType.economyPublish:
      return { route: 'economyPublish', economy: command.economy, dryRun: command.dryRun ?? false };
    case AdminCommandType.economyGet:
      return { route: 'economyGet' };
  }
}
