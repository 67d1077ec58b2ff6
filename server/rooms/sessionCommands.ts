// admin.kick (with an optional ban) and admin.sessions.revoke: what the admin room does
// for them, kept out of the room adapter. The stored state changes first (a ban, a new generation),
// so a socket closed here cannot simply join again; then every socket of the user is closed.
import { matchMaker } from '@colyseus/core';
import type { AdminKickResult, AdminSessionsRevokeResult } from '../../shared/adminCommands.ts';
import type { SessionEnforcer } from '../auth/sessionEnforcer.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Clock } from '../domain/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { findPlayerRoom } from '../calls/playerRooms.ts';

export type SessionControl = { sessions: Sessions; enforcer: SessionEnforcer; clock: Clock; logger: Pick<Logger, 'warn'> };

export async function kickUser(control: SessionControl, command: { userId: string; reason: string; banSeconds?: number }): Promise<AdminKickResult> {
  let bannedUntil: Date | undefined;
  if (command.banSeconds !== undefined) {
    bannedUntil = new Date(control.clock.now() + command.banSeconds * 1000);
    await control.sessions.ban(command.userId, bannedUntil);
  }
  const kicked = await closeSockets(control, command.userId, command.reason);
  return bannedUntil ? { kicked, bannedUntil: bannedUntil.toISOString() } : { kicked };
}

export async function revokeUserSessions(control: SessionControl, command: { userId: string; reason: string }): Promise<AdminSessionsRevokeResult> {
  const generation = await control.sessions.revoke(command.userId);
  const kicked = await closeSockets(control, command.userId, command.reason);
  return { userId: command.userId, generation, kicked };
}

/**
 * The player room's tabs (counted, as admin.kick always answered), then the user's sockets in every
 * other room. Those go after the reply is on its way: an admin revoking `admin` is told so before
 * their own socket closes.
 */
async function closeSockets(control: SessionControl, userId: string, reason: string): Promise<number> {
  const room = await findPlayerRoom(userId);
  const kicked = room ? ((await matchMaker.remoteRoomCall(room.roomId, 'kick', [reason])) as number) : 0;
  setImmediate(() => void control.enforcer.end(userId, reason).catch((error: unknown) => control.logger.warn({ err: error, userId }, 'the other sockets of an ended session could not be closed')));
  return kicked;
}
