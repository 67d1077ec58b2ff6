// The admin actions (server/core/admin/desk.ts) that do not go through the admin room's writer:
// routed to the room that owns the change (gold moves only in its owner's room, tasks in their
// board's), or read. The admin room carries out the others (its own writes) itself.
import { unknownUser, type AdminAction } from '../core/admin/desk.ts';
import type { Orm } from '../store/orm.ts';
import { auditLedger, playerExists, userView } from '../store/adminStore.ts';
import type { Sql } from '../store/sql.ts';
import { callBoardRoom } from '../calls/boardRooms.ts';
import { callPlayerRoom } from '../calls/playerRooms.ts';
import { ack, type Reply } from '../writers/replies.ts';
import { economyView, type EconomyDesk } from '../economy/publishCommand.ts';
import { kickUser, revokeUserSessions, type SessionControl } from './sessionCommands.ts';

export type ElsewhereAction = Exclude<AdminAction, { route: 'write' | 'announce' | 'economyPublish' }>;

export async function carryOutElsewhere(deps: SessionControl & { sql: Sql; orm: Orm; economy: EconomyDesk }, id: string, action: ElsewhereAction): Promise<Reply> {
  switch (action.route) {
    case 'grant':
      if (!(await playerExists(deps.orm, action.userId))) throw unknownUser(action.userId);
      return withId(await callPlayerRoom(action.userId, 'adminGrant', action.grant), id);
    case 'taskCreate':
      return withId(await callBoardRoom(action.board, 'adminCreateTask', action.task), id);
    case 'taskCancel':
      return withId(await callBoardRoom(action.board, 'adminCancelTask', action.task), id);
    case 'userGet': {
      const user = await userView(deps.orm, action.userId);
      if (!user) throw unknownUser(action.userId);
      return ack(id, user);
    }
    case 'audit':
      return ack(id, await auditLedger(deps.sql, deps.orm));
    case 'kick':
      return ack(id, await kickUser(deps, action.kick));
    case 'sessionsRevoke':
      return ack(id, await revokeUserSessions(deps, action.revoke));
    case 'economyGet':
      return ack(id, await economyView(deps.economy));
  }
}

/** Replies of other rooms carry their own record id; the admin gets its command id back. */
function withId(reply: Reply, id: string): Reply {
  return 'ack' in reply ? { ack: { ...reply.ack, id } } : { nack: { ...reply.nack, id } };
}
