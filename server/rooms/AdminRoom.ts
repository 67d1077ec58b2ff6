// The `admin` room: admins only. Every admin command of docs/PROTOCOL.md, each recorded in the audit
// table. Gold moves only in the owner's room: a grant is routed to the player's room, tasks to
// the board's room; the admin room itself writes the `global` stream (announcements) and the shop
// catalog, as the fenced writer `admin`.
import { matchMaker, type AuthContext } from '@colyseus/core';
import { AdminCommandType, adminCommands } from '../../shared/adminCommands.ts';
import type { CommandResult } from '../../shared/registry.ts';
import { RoomName, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { AdminState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import type { SeedSource } from '../domain/clock.ts';
import type { Metrics } from '../observability/metrics.ts';
import { openTable } from '../store/crashStore.ts';
import type { Queryable } from '../store/sql.ts';
import { decideAdmin, unknownUser, type AdminAction, type AdminWrite } from '../core/admin/desk.ts';
import { unknownItem } from '../domain/shop.ts';
import type { Orm } from '../store/orm.ts';
import { auditLedger, playerExists, recordAdminAction, removeShopItem, supply, upsertShopItem, userView } from '../store/adminStore.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { callBoardRoom } from './boardRooms.ts';
import { GLOBAL_STREAM } from './globalChannel.ts';
import { adminsOnly, authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { callPlayerRoom } from './playerRooms.ts';
import { kickUser, revokeUserSessions, type SessionControl } from './sessionCommands.ts';
import { ack, failureReply, type Reply } from './replies.ts';
import { ADMIN_RATE_FACTOR } from './commandBudgets.ts';
import { CofferRoom, type AdapterDeps } from './roomAdapter.ts';
import { SerialWriter, type SerialDeps } from './serialWriter.ts';
import type { EventBus } from '../relay/eventBus.ts';
import type { SharedRoomCalls } from './roomCalls.ts';
import { refuseIfServed } from './sharedRooms.ts';
import { validateCommand } from './validateCommand.ts';
import { RoomAccounts, type UserLimits } from './userLimits.ts';

export type AdminRoomDeps = SerialDeps & Pick<AdapterDeps, 'syncReads' | 'addressLimits'> & { userLimits: Pick<UserLimits, 'config'> } & SessionControl & { orm: Orm; tokens: Tokens; metrics: Metrics; events: EventBus; rateLimitPerSecond: number; seeds: SeedSource };

export const ADMIN_WRITER = 'admin';
/** How often the admin state's supply and live counts are refreshed. */
export const ADMIN_REFRESH_MS = 2_000;

export function defineAdminRoom(deps: AdminRoomDeps) {
  return class AdminRoom extends CofferRoom<AdminState> implements SharedRoomCalls {
    protected readonly adapterDeps = deps;
    state = new AdminState();
    #writer: SerialWriter | undefined;

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      adminsOnly(identity);
      return identity;
    }

    /** Admins only, for every seat, a join's or a reconnection's (seatCheck.ts). */
    protected seatRule(identity: Identity) {
      adminsOnly(identity);
    }

    async onCreate() {
      await refuseIfServed(RoomName.admin, {}, this.roomId, 'the admin room');
      const loaded = await Promise.all([takeRoomFence(deps.sql, ADMIN_WRITER), headSeq(deps.sql, GLOBAL_STREAM)]).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'admin room could not load');
        throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
      });
      const [epoch, seq] = loaded;
      this.#writer = new SerialWriter(deps, ADMIN_WRITER, GLOBAL_STREAM, epoch, seq, {
        committed: (events) => this.#publish(events),
        fenced: () => this.handOver('fence taken'),
        reload: () => headSeq(deps.sql, GLOBAL_STREAM),
      });
      this.state.seq = seq;
      this.clock.setInterval(() => void this.#refresh(), ADMIN_REFRESH_MS);
      await this.#refresh();
      this.serve({ kind: 'admin', commands: adminCommands, accounts: new RoomAccounts(adminAccountBudget(deps.userLimits.config), deps.clock), handle: (client, type, payload) => this.#audited(client.auth as Identity, type, payload) });
    }

    protected release() {
      this.#writer?.dispose();
    }

    async #refresh() {
      try {
        const s = await supply(deps.sql, deps.orm);
        Object.assign(this.state.supply, s);
        this.state.ccu = matchMaker.stats.local.ccu;
        this.state.rooms = matchMaker.stats.local.roomCount;
      } catch (error) {
        deps.logger.debug({ err: error }, 'admin state refresh failed');
      }
    }

    async #audited(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const reply = await this.#handle(identity, type, payload);
      // Every admin command is audited, refused ones too; unknown types are not admin actions.
      // Written after the reply is decided, not awaited by it.
      if (Object.hasOwn(adminCommands, type)) {
        const id = 'ack' in reply ? reply.ack.id : (reply.nack.id ?? '');
        const result = 'ack' in reply ? { ack: reply.ack.result } : { nack: reply.nack };
        void recordAdminAction(deps.orm, identity.userId, type, id, payload, result).catch((error: unknown) =>
          deps.logger.warn({ err: error, type }, 'admin action could not be written to the audit table'),
        );
      }
      return reply;
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const validated = validateCommand(adminCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command;
      const adminId = identity.userId;
      const hash = payloadHash(type, payload as Record<string, unknown>);
      try {
        return await this.#carryOut(command.id, decideAdmin(command, adminId), adminId, hash);
      } catch (error) {
        return failureReply(command.id, error, deps.logger, { adminId, type });
      }
    }

    /** An admin action (server/core/admin/desk.ts) carried out: routed, written or read. */
    async #carryOut(id: string, action: AdminAction, adminId: string, hash: string): Promise<Reply> {
      switch (action.route) {
        case 'grant':
          if (!(await playerExists(deps.orm, action.userId))) throw unknownUser(action.userId);
          return withId(await callPlayerRoom(action.userId, 'adminGrant', action.grant), id);
        case 'taskCreate':
          return withId(await callBoardRoom(action.board, 'adminCreateTask', action.task), id);
        case 'taskCancel':
          return withId(await callBoardRoom(action.board, 'adminCancelTask', action.task), id);
        case 'write': {
          const result = { ...action.result };
          return this.#writer!.run(`admin:${adminId}`, id, hash, () => ({ result, events: [], write: async (trx) => void Object.assign(result, await this.#store(trx, action.write)) }));
        }
        case 'announce':
          return this.#writer!.run(`admin:${adminId}`, id, hash, () => ({ result: { seq: this.#writer!.seq + action.events.length } satisfies CommandResult<typeof AdminCommandType.announce>, events: action.events }));
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
      }
    }

    /** An admin write inside the admin writer's transaction; what it found joins the reply. */
    async #store(trx: Queryable, write: AdminWrite): Promise<Record<string, unknown>> {
      switch (write.kind) {
        case 'shopUpsert':
          await upsertShopItem(deps.sql, trx, write.item);
          return {};
        case 'shopRemove':
          if (!(await removeShopItem(deps.sql, trx, write.itemId))) throw unknownItem(write.itemId);
          return {};
        case 'crashOpen':
          // A new crash table with a fresh chain seed; players can join it at once.
          return { opened: await openTable(deps.sql, trx, write.table, deps.seeds()) };
      }
    }

    #publish(events: WireEvent[]) {
      this.state.seq = this.#writer!.seq;
      for (const event of events) this.broadcast(ServerMessage.event, event);
      // Player rooms of this process at once; those of other processes through the outbox relay
      // (the bus drops the relayed copy of what it passed on already).
      deps.events.deliver(events);
    }
  };
}

/** Replies of other rooms carry their own record id; the admin gets its command id back. */
function withId(reply: Reply, id: string): Reply {
  return 'ack' in reply ? { ack: { ...reply.ack, id } } : { nack: { ...reply.nack, id } };
}


/** An admin's budget in the admin room: ADMIN_RATE_FACTOR times a player's, like its sockets' (a bulk script is not a flood). */
function adminAccountBudget(config: Pick<UserLimits['config'], 'commandsPerSecond' | 'syncBytesPerSecond'>) {
  return { commandsPerSecond: config.commandsPerSecond * ADMIN_RATE_FACTOR, syncBytesPerSecond: config.syncBytesPerSecond * ADMIN_RATE_FACTOR };
}
