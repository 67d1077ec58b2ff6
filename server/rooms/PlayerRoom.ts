// The `player` room: a thin Colyseus adapter around PlayerWriter. One per user (filterBy userId),
// any number of tabs; state shows committed values only.
import { matchMaker, type AuthContext, type Client } from '@colyseus/core';
import { CommandType } from '../../shared/commands.ts';
import { RoomName, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { GameStats, PlayerState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import { GOLD } from '../../shared/economy.ts';
import { balanceOf, type Player } from '../domain/player.ts';
import type { Metrics } from '../observability/metrics.ts';
import { loadPlayer } from '../store/playerStore.ts';
import { authenticate, authorizePlayerRoom, checkProtocol, refuse } from './joinAuth.ts';
import { PlayerWriter, playerRoomCommands, type WriterDeps } from '../writers/playerWriter.ts';
import type { RateVerdict } from '../policies/rateLimiter.ts';
import { AccountSockets, type UserLimits } from '../policies/userLimits.ts';
import { assertPlayerRoomAccess } from './roomAccess.ts';
import type { Sessions } from '../auth/sessions.ts';
import { grantOf } from '../domain/grant.ts';
import { stakeCrashBet } from '../domain/crashStake.ts';
import { stakeIdOf } from '../core/crash/settlement.ts';
import { GLOBAL_STREAM } from './globalChannel.ts';
import type { EventBus } from '../relay/eventBus.ts';
import type { FenceWatch } from '../jobs/fenceWatch.ts';
import { RECENT_REPLIES } from '../writers/recentReplies.ts';
import type { Reply } from '../writers/replies.ts';
import { replyBytes } from '../policies/commandBudgets.ts';
import { CofferRoom, type AdapterDeps } from './roomAdapter.ts';
import { PLAYER_ROOM_ENCODE_BYTES } from '../roomEncodeBuffers.ts';
import type { CrashStakeCall, GrantCall, PlayerRoomCalls } from '../calls/roomCalls.ts';
import type { Faults } from '../faults.ts';
import type { CommitPipeline } from '../store/commitPipeline.ts';
import { playerRoomId, type RoomDirectory } from '../matchmaking/roomDirectory.ts';

export type PlayerRoomDeps = WriterDeps & Pick<AdapterDeps, 'addressLimits' | 'sql'> & { pipeline: CommitPipeline; directory: RoomDirectory; sessions: Pick<Sessions, 'check'>; userLimits: UserLimits; tokens: Tokens; metrics: Metrics; rateLimitPerSecond: number; events: EventBus; fenceWatch: FenceWatch; faults?: Faults };

/** How long a creation waits for a concurrent creation of the same player room to be up. */
const CLAIM_WAIT_MS = 10_000;

export function definePlayerRoom(deps: PlayerRoomDeps) {
  return class PlayerRoom extends CofferRoom<PlayerState> implements PlayerRoomCalls {
    static override readonly encodeBufferBytes = PLAYER_ROOM_ENCODE_BYTES;
    protected readonly adapterDeps = deps;
    state = new PlayerState();
    #writer: PlayerWriter | undefined;
    #detach: (() => void) | undefined;
    /** Clients whose seat onJoin refused (roomAccess.ts): never counted, never kept for a reconnection. */
    readonly #refused = new WeakSet<Client>();
    readonly #places = new AccountSockets(deps.userLimits);

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      authorizePlayerRoom(identity, options);
      if (identity.role !== 'admin' && !deps.userLimits.hasRoomFor(identity.userId)) throw tooManySockets(deps.userLimits);
      return identity;
    }

    async onCreate(options: { userId: string; displayName?: string }) {
      // One fixed id per player, claimed before the load takes the fence (roomDirectory.ts): a
      // creation racing another (a join and an owner call, two processes) steps aside, loading
      // nothing, and the matchmaker seats its caller in the room that won.
      this.roomId = playerRoomId(options.userId);
      // The listing's metadata ({ userId }) is this creation's token in the directory.
      const creation = this.metadata as object;
      const claim = await deps.directory.claim(this.roomId, RoomName.player, matchMaker.processId, CLAIM_WAIT_MS, creation);
      if (claim === 'theirs') return;
      if (claim === 'stuck') throw refuse('UNAVAILABLE', 'this player room is still being created elsewhere; try joining again shortly');
      try {
        await this.#open(options);
      } catch (error) {
        // The claim goes, so the next attempt may create the room (a release that fails leaves a
        // claim the waiting creations give up on; it is logged, not thrown over the cause).
        await deps.directory.release(this.roomId, creation).catch((releaseError: unknown) => deps.logger.warn({ roomId: this.roomId, err: releaseError }, 'player room claim not released'));
        throw error;
      }
    }

    async #open(options: { userId: string; displayName?: string }) {
      const displayName = options.displayName ?? options.userId;
      const loaded = await loadPlayer(deps.sql, options.userId, displayName, new Date(deps.clock.now()), RECENT_REPLIES, deps.seeds).catch((error: unknown) => {
        deps.logger.warn({ userId: options.userId, err: error }, 'player room could not load');
        throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
      });
      this.maxMessagesPerSecond = deps.rateLimitPerSecond * 8;
      this.patchOnChange();
      this.#writer = new PlayerWriter(deps, loaded, {
        committed: (player, events) => this.#show(player, events),
        reloaded: (player) => this.#show(player, []),
        fenced: () => this.handOver('writer fence lost'),
      });
      this.#show(loaded.player, []);
      this.serve({
        kind: 'player',
        corked: true,
        commands: playerRoomCommands,
        // Another user's client (an admin watching) may read, never write.
        handle: (client, type, payload) => this.#writer!.handle(type, payload, this.#readOnly(client)),
        admit: (client, type, socket) => {
          const readOnly = this.#readOnly(client);
          const userId = this.#writer!.userId;
          return fairShare(socket, readOnly ? 'ok' : deps.userLimits.take(userId), type === CommandType.eventsSync && !readOnly && !deps.userLimits.syncAllowed(userId), deps);
        },
        sent: (client, type, r) => {
          if (!('ack' in r)) return;
          if (type === CommandType.eventsSync && !this.#readOnly(client)) deps.userLimits.chargeSync(this.#writer!.userId, replyBytes(r.ack.result));
          deps.faults?.at('after-ack', r.ack.id);
        },
      });
      // Announcements of the admin room (the `global` stream), relayed to every process.
      const unsubscribe = deps.events.subscribe(GLOBAL_STREAM, (event: WireEvent) => this.broadcast(ServerMessage.event, event));
      const unwatch = deps.fenceWatch.watch(this.#writer);
      this.#detach = () => {
        unsubscribe();
        unwatch();
      };
      // What other rooms owed this player while it had no room (bounties, cash-outs).
      void this.applyEffects();
      deps.logger.info({ roomId: this.roomId, userId: options.userId, epoch: loaded.epoch }, 'player room loaded');
    }

    /** Its owner, or an admin (read-only): for every seat, a join's or a reconnection's (seatCheck.ts). */
    protected seatRule(identity: Identity) {
      assertPlayerRoomAccess(identity, this.#writer!.userId);
    }

    onJoin(client: Client, _options: unknown, auth: Identity | undefined) {
      try {
        if (!this.#places.take(client, auth!)) throw tooManySockets(deps.userLimits);
      } catch (refusal) {
        this.#refused.add(client);
        throw refusal;
      }
      deps.metrics.clients.inc();
    }

    onReconnect(client: Client) {
      // Who may take the kept seat was decided before it was taken (seatCheck.ts).
      if (!this.#places.take(client, client.auth as Identity)) throw tooManySockets(deps.userLimits);
    }

    async onDrop(client: Client, code?: number) {
      this.#places.give(client);
      // A refused seat ends there: no seat is kept for a reconnection (nor after a kick or a flood, the adapter's rule).
      if (this.#refused.has(client)) return;
      await super.onDrop(client, code);
    }

    onLeave(client: Client) {
      if (this.#refused.has(client)) return;
      deps.metrics.clients.dec();
      this.#places.give(client);
    }

    onBeforeShutdown() {
      // The pipeline was drained first (app.ts): what was in flight is acknowledged or refused.
      // Its replies are queued one turn later; the adapter writes them, then closes the clients.
      void deps.pipeline.flush().finally(() => setImmediate(() => super.onBeforeShutdown()));
    }

    protected release() {
      this.#detach?.();
      this.#writer?.dispose();
    }

    /** Called by other rooms (playerRooms.ts): apply the effects owed to this player. */
    async applyEffects(): Promise<void> {
      await this.#writer!.applyEffects().catch((error: unknown) => deps.logger.warn({ userId: this.#writer?.userId, err: error }, 'applying effects failed; the sweeper will retry'));
    }

    /** admin.grant routed here by the admin room. */
    adminGrant(grant: GrantCall): Promise<Reply> {
      // A gold grant keeps the hash it had before currencies (a retry across the upgrade is the
      // same command); another currency's names it first (a currency id starts with a letter, an
      // amount never does).
      const hash = grant.currency === GOLD ? `grant:${grant.amount}:${grant.reason}` : `grant:${grant.currency}:${grant.amount}:${grant.reason}`;
      return this.#writer!.handleInternal(`grant:${grant.id}`, hash, (player, published) => grantOf(player, published.economy, grant));
    }

    /**
     * crash.bet: the table debits the stake into escrow here, before it accepts the bet. The round
     * is not part of the payload: a retry of a bet whose stake was taken in an earlier round gets
     * that stake's reply back, and the table refuses the retry for the round it names.
     */
    crashBet(bet: CrashStakeCall): Promise<Reply> {
      const recordId = stakeIdOf(bet.table, bet.id);
      const hash = bet.currency === GOLD ? `crash:${bet.table}:${bet.amount}` : `crash:${bet.table}:${bet.amount}:${bet.currency}`;
      return this.#writer!.handleInternal(recordId, hash, (player, published) => stakeCrashBet(player, bet.table, bet.roundId, bet.amount, bet.currency, recordId, published.economy.rewards.levelUp));
    }

    /** admin.kick, a ban, a revocation: closes every client of this room and drops its kept seats; returns how many were open. */
    kick(reason: string): number {
      return this.endSession(() => true, reason);
    }

    #readOnly(client: Client): boolean {
      return (client.auth as Identity | undefined)?.userId !== this.#writer!.userId;
    }

    #show(player: Player, events: WireEvent[]) {
      this.stateChanged();
      const s = this.state;
      s.userId = player.userId;
      s.balance = balanceOf(player, GOLD);
      s.xp = player.xp;
      s.level = player.level;
      s.seq = player.seq;
      s.streak.day = player.streakDay;
      s.streak.lastClaimDay = player.lastClaimDay ?? -1;
      s.fair.serverSeedHash = player.fair.serverSeedHash;
      s.fair.clientSeed = player.fair.clientSeed;
      s.fair.nonce = player.fair.nonce;
      for (const [game, stats] of Object.entries(player.stats)) {
        const entry = s.stats.get(game) ?? new GameStats();
        Object.assign(entry, stats);
        if (!s.stats.has(game)) s.stats.set(game, entry);
      }
      for (const [currency, balance] of Object.entries(player.wallet)) {
        if (s.wallet.get(currency) !== balance) s.wallet.set(currency, balance);
      }
      for (const [itemId, qty] of Object.entries(player.inventory)) {
        if (s.inventory.get(itemId) !== qty) s.inventory.set(itemId, qty);
      }
      for (const [offerId, qty] of Object.entries(player.purchases)) {
        if (s.purchases.get(offerId) !== qty) s.purchases.set(offerId, qty);
      }
      if (events.length > 0) this.queueSend(() => {
        for (const event of events) this.broadcast(ServerMessage.event, event);
      });
    }
  };
}

function tooManySockets(limits: UserLimits) {
  return refuse('RATE_LIMITED', `at most ${limits.config.socketsPerUser} sockets per account in player rooms; close another tab first`);
}

/** The socket's and the account's verdicts together: undefined (go on), a RATE_LIMITED message, or close. */
function fairShare(socket: RateVerdict, user: RateVerdict, syncBudgetSpent: boolean, deps: PlayerRoomDeps): string | 'close' | undefined {
  if (socket === 'close' || user === 'close') return 'close';
  if (socket === 'limited') return `more than ${deps.rateLimitPerSecond} messages in one second; slow down`;
  if (user === 'limited') return `more than ${deps.userLimits.config.commandsPerSecond} commands in one second from this account (all its sockets); slow down`;
  if (syncBudgetSpent) return `events.sync replies are limited to ${deps.userLimits.config.syncBytesPerSecond} bytes per second per account; sync again shortly`;
  return undefined;
}

