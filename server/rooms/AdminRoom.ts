// The `admin` room: admins only. Every admin command of docs/PROTOCOL.md, each recorded in the audit
// table. Gold moves only in the owner's room: a grant is routed to the player's room, tasks to
// the board's room; the admin room itself writes the `global` stream (announcements) and the shop
// catalog, as the fenced writer `admin`.
import { matchMaker, Room, type AuthContext, type Client } from '@colyseus/core';
import { AdminCommandType, adminCommands, type AdminCommand } from '../../shared/adminCommands.ts';
import { EventType } from '../../shared/events.ts';
import { CloseCode, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { AdminState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import { DomainError } from '../domain/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { auditLedger, playerExists, recordAdminAction, removeShopItem, supply, upsertShopItem, userView } from '../store/adminStore.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { callBoardRoom } from './boardRooms.ts';
import { GLOBAL_STREAM } from './globalChannel.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { callPlayerRoom } from './playerRooms.ts';
import { kickUser, revokeUserSessions, type SessionControl } from './sessionCommands.ts';
import { ack, failureReply, type Reply } from './replies.ts';
import { SerialWriter, type SerialDeps } from './serialWriter.ts';
import type { EventBus } from '../relay/eventBus.ts';
import { validateCommand } from './validateCommand.ts';

export type AdminRoomDeps = SerialDeps & SessionControl & { tokens: Tokens; metrics: Metrics; events: EventBus };

export const ADMIN_WRITER = 'admin';
/** How often the admin state's supply and live counts are refreshed. */
export const ADMIN_REFRESH_MS = 2_000;

export function defineAdminRoom(deps: AdminRoomDeps) {
  return class AdminRoom extends Room<{ state: AdminState }> {
    state = new AdminState();
    #writer: SerialWriter | undefined;

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      if (identity.role !== 'admin') throw refuse('FORBIDDEN', 'the admin room is for admins; sign in with POST /auth/admin');
      return identity;
    }

    async onCreate() {
      const loaded = await Promise.all([takeRoomFence(deps.sql, ADMIN_WRITER), headSeq(deps.sql, GLOBAL_STREAM)]).catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'admin room could not load');
        throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
      });
      const [epoch, seq] = loaded;
      this.#writer = new SerialWriter(deps, ADMIN_WRITER, GLOBAL_STREAM, epoch, seq, {
        committed: (events) => this.#publish(events),
        fenced: () => {
          void this.lock();
          setImmediate(() => void this.disconnect(CloseCode.RECONNECT).catch(() => undefined));
        },
        reload: () => headSeq(deps.sql, GLOBAL_STREAM),
      });
      this.state.seq = seq;
      this.onMessage('*', (client, type, payload) => this.#receive(client, String(type), payload));
      this.clock.setInterval(() => void this.#refresh(), ADMIN_REFRESH_MS);
      await this.#refresh();
      deps.metrics.rooms.inc({ room: 'admin' });
    }

    onDispose() {
      this.#writer?.dispose();
      deps.metrics.rooms.dec({ room: 'admin' });
    }

    async #refresh() {
      try {
        const s = await supply(deps.sql);
        Object.assign(this.state.supply, s);
        this.state.ccu = matchMaker.stats.local.ccu;
        this.state.rooms = matchMaker.stats.local.roomCount;
      } catch (error) {
        deps.logger.debug({ err: error }, 'admin state refresh failed');
      }
    }

    #receive(client: Client, type: string, payload: unknown) {
      const identity = client.auth as Identity;
      void this.#handle(identity, type, payload).then(async (reply) => {
        if ('ack' in reply) client.send(ServerMessage.ack, reply.ack);
        else client.send(ServerMessage.nack, reply.nack);
        // Every admin command is audited, refused ones too; unknown types are not admin actions.
        if (!Object.hasOwn(adminCommands, type)) return;
        const id = 'ack' in reply ? reply.ack.id : (reply.nack.id ?? '');
        const result = 'ack' in reply ? { ack: reply.ack.result } : { nack: reply.nack };
        await recordAdminAction(deps.sql, identity.userId, type, id, payload, result).catch((error: unknown) =>
          deps.logger.warn({ err: error, type }, 'admin action could not be written to the audit table'),
        );
      });
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const validated = validateCommand(adminCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command as unknown as AdminCommand;
      const adminId = identity.userId;
      const hash = payloadHash(type, payload as Record<string, unknown>);
      try {
        switch (command.type) {
          case AdminCommandType.grant: {
            if (!(await playerExists(deps.sql, command.userId))) throw new DomainError('NOT_FOUND', `userId ${command.userId} has never played`);
            const reply = await callPlayerRoom<Reply>(command.userId, 'adminGrant', [{ id: command.id, amount: command.amount, reason: command.reason }]);
            return withId(reply, command.id);
          }
          case AdminCommandType.taskCreate:
            return withId(await callBoardRoom<Reply>(command.board, 'adminCreateTask', [{ id: command.id, adminId, title: command.title, bountyGold: command.bountyGold, bountyXp: command.bountyXp }]), command.id);
          case AdminCommandType.taskCancel:
            return withId(await callBoardRoom<Reply>(command.board, 'adminCancelTask', [{ id: command.id, adminId, taskId: command.taskId }]), command.id);
          case AdminCommandType.shopUpsert:
            return this.#writer!.run(`admin:${adminId}`, command.id, hash, () => ({ result: { item: command.item }, events: [], write: (trx) => upsertShopItem(deps.sql, trx, command.item) }));
          case AdminCommandType.shopRemove:
            return this.#writer!.run(`admin:${adminId}`, command.id, hash, () => ({
              result: { itemId: command.itemId },
              events: [],
              write: async (trx) => {
                if (!(await removeShopItem(deps.sql, trx, command.itemId))) throw new DomainError('NOT_FOUND', `itemId ${command.itemId} is not in the shop catalog`);
              },
            }));
          case AdminCommandType.announce:
            return this.#writer!.run(`admin:${adminId}`, command.id, hash, () => ({
              result: { seq: this.#writer!.seq + 1 },
              events: [{ type: EventType.announcement, data: { text: command.text } }],
            }));
          case AdminCommandType.userGet: {
            const user = await userView(deps.sql, command.userId);
            if (!user) throw new DomainError('NOT_FOUND', `userId ${command.userId} has never played`);
            return ack(command.id, user);
          }
          case AdminCommandType.audit:
            return ack(command.id, await auditLedger(deps.sql));
          case AdminCommandType.kick:
            return ack(command.id, await kickUser(deps, command));
          case AdminCommandType.sessionsRevoke:
            return ack(command.id, await revokeUserSessions(deps, command));
        }
      } catch (error) {
        return failureReply(command.id, error, deps.logger, { adminId, type });
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

