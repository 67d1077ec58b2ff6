// The `admin` room: admins only, one per server; a shared room (sharedRoom.ts) taking every admin
// command of docs/PROTOCOL.md, each audited, as the admin desk decides it (server/core/admin/desk.ts).
// Gold moves only in its owner's room, tasks in their board's (adminActions.ts); this room writes
// the `global` stream (announcements), new crash tables and economy versions, as the writer `admin`.
import { matchMaker } from '@colyseus/core';
import { AdminCommandType, adminCommands } from '../../shared/adminCommands.ts';
import { RoomName, type WireEvent } from '../../shared/protocol.ts';
import type { CommandResult } from '../../shared/registry.ts';
import { GOLD } from '../../shared/economy.ts';
import { AdminState, Supply } from '../../shared/state.ts';
import type { Identity } from '../auth/tokens.ts';
import { decideAdmin } from '../core/admin/desk.ts';
import type { SeedSource } from '../domain/clock.ts';
import type { EventBus } from '../relay/eventBus.ts';
import { recordAdminAction, supply } from '../store/adminStore.ts';
import { storeAdminWrite } from '../store/adminWrites.ts';
import { auditedInPublish, publishEconomy, type EconomyDesk } from '../economy/publishCommand.ts';
import { carryOutElsewhere } from './adminActions.ts';
import { GLOBAL_STREAM } from './globalChannel.ts';
import { adminsOnly } from './joinAuth.ts';
import type { Reply } from '../writers/replies.ts';
import type { SessionControl } from './sessionCommands.ts';
import { bindSharedRoom, SharedRoom, type RoomCommand, type SharedRoomDeps, type SharedRoomSpec } from './sharedRoom.ts';

export type AdminRoomDeps = SharedRoomDeps & SessionControl & { events: EventBus; seeds: SeedSource; economy: EconomyDesk };

export const ADMIN_WRITER = 'admin';
/** How often the admin state's supply and live counts are refreshed. */
export const ADMIN_REFRESH_MS = 2_000;

export class AdminRoom extends SharedRoom<AdminState, AdminRoomDeps, typeof adminCommands> {
  static readonly spec: SharedRoomSpec<AdminRoomDeps, typeof adminCommands> = { kind: RoomName.admin, commands: adminCommands, stream: () => GLOBAL_STREAM, writer: ADMIN_WRITER, seatRule: adminsOnly, adminBudget: true };
  state = new AdminState();

  protected async load() {}
  protected async open() {
    await this.#refresh();
  }
  protected started() {
    this.clock.setInterval(() => void this.#refresh(), ADMIN_REFRESH_MS);
  }
  /** The global stream's head is all there is to read again. */
  protected async reload() {}

  async #refresh() {
    try {
      const supplies = await supply(this.deps.sql, this.deps.orm);
      Object.assign(this.state.supply, supplies[GOLD] ?? { minted: 0, burned: 0, circulating: 0 });
      for (const [currency, figures] of Object.entries(supplies)) {
        const shown = this.state.supplies.get(currency) ?? new Supply();
        Object.assign(shown, figures);
        if (!this.state.supplies.has(currency)) this.state.supplies.set(currency, shown);
      }
      this.state.ccu = matchMaker.stats.local.ccu;
      this.state.rooms = matchMaker.stats.local.roomCount;
    } catch (error) {
      // The figures shown stay as they were until the next refresh.
      this.deps.logger.debug({ err: error }, 'admin state refresh failed');
    }
  }

  /** Every admin command is audited, refused ones too (unknown types are not admin actions); written after the reply is decided, not awaited by it.
   *  A stored economy publish wrote its line in its own transaction (publishCommand.ts). */
  protected answered(identity: Identity, type: string, payload: unknown, reply: Reply) {
    if (!Object.hasOwn(adminCommands, type) || auditedInPublish(type, reply)) return;
    const [id, result] = 'ack' in reply ? [reply.ack.id, { ack: reply.ack.result }] : [reply.nack.id ?? '', { nack: reply.nack }];
    void recordAdminAction(this.deps.orm, identity.userId, type, id, payload, result).catch((error: unknown) => this.deps.logger.warn({ err: error, type }, 'admin action could not be written to the audit table'));
  }

  /** The desk's action (server/core/admin/desk.ts): the admin writer's own writes and announcements here, the rest routed or read (adminActions.ts). */
  protected decide(command: RoomCommand<typeof adminCommands>, { userId }: Identity, hash: string): Promise<Reply> {
    const action = decideAdmin(command, userId);
    if (action.route === 'write') {
      const result = { ...action.result };
      return this.writer.run(`admin:${userId}`, command.id, hash, () => ({ result, events: [], write: async (trx) => void Object.assign(result, await storeAdminWrite(this.deps.sql, trx, action.write, this.deps.seeds)) }));
    }
    if (action.route === 'economyPublish') {
      return publishEconomy(this.writer, this.deps.economy, { id: command.id, adminId: userId, hash, economy: action.economy, dryRun: action.dryRun, payload: command });
    }
    if (action.route === 'announce') {
      return this.writer.run(`admin:${userId}`, command.id, hash, () => ({ result: { seq: this.writer.seq + action.events.length } satisfies CommandResult<typeof AdminCommandType.announce>, events: action.events }));
    }
    return carryOutElsewhere(this.deps, command.id, action);
  }

  /** Player rooms of this process at once; those of other processes through the outbox relay (the bus drops the relayed copy of what it passed on already). */
  protected published(events: WireEvent[]) {
    this.deps.events.deliver(events);
  }
}

export const defineAdminRoom = (deps: AdminRoomDeps) => bindSharedRoom(AdminRoom, deps);
