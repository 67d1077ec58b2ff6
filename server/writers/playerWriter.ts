// The single fenced writer of one player's account and stream, without any socket: validates a
// command against the working state, decides it with a pure domain function, hands the mutation to
// the commit pipeline and replies only after commit (INV-1 to INV-4, docs/ARCHITECTURE.md). PlayerRoom adapts it.
import { CommandType, playerCommands } from '../../shared/commands.ts';
import { playerStream, type WireEvent } from '../../shared/protocol.ts';
import type { CommandResult } from '../../shared/registry.ts';
import { utcDay, type Clock, type SeedSource } from '../domain/clock.ts';
import { rotateSeeds } from '../domain/fairness.ts';
import type { Decision, Player } from '../domain/player.ts';
import { buyItem, offerOf } from '../domain/shop.ts';
import { claimStreak } from '../domain/streak.ts';
import type { Logger } from '../observability/logger.ts';
import type { Commits, LoadedPlayer, PlayerWriterStore, StoredReply } from '../core/ports.ts';
import { CommitFailed, type Mutation } from '../store/mutation.ts';
import { applyEffect, effectCommandId, type Effect } from '../domain/effects.ts';
import { payloadHash } from './payloadHash.ts';
import { answerStored, Idempotency } from './idempotency.ts';
import { ack, failureReply, nack, type Reply } from './replies.ts';
import { RECENT_REPLIES } from './recentReplies.ts';
import { syncReply } from './streamSync.ts';
import { validateCommand, type CommandOf } from './validateCommand.ts';
import { gameCommands } from '../games/commands.ts';
import { gameByCommand } from '../games/games.ts';
import { gameEconomy, playGame } from '../games/play.ts';
import type { Fence } from '../jobs/fenceWatch.ts';
import type { LimitFunction } from 'p-limit';
import type { EconomySource } from '../economy/source.ts';
import type { PublishedEconomy } from '../../shared/economy.ts';
import { exchange } from '../domain/exchange.ts';

/** Every command of the player room: its own and the installed games'. */
export const playerRoomCommands = { ...playerCommands, ...gameCommands };
type PlayerCommand = CommandOf<typeof playerRoomCommands>;
type CoreCommand = Exclude<CommandOf<typeof playerCommands>, { type: 'events.sync' }>;

/** `store`: what the writer reads, behind ports (server/core/ports.ts); `pipeline`: where it commits;
 *  `economy`: the economy version in force (server/economy/source.ts), read once per command.
 *  `syncReads`: the process' limit on events.sync reads in flight (app.ts, syncReadLimit), shared by every room. */
export type WriterDeps = { store: PlayerWriterStore; pipeline: Commits; clock: Clock; seeds: SeedSource; logger: Logger; syncReads: LimitFunction; economy: EconomySource };

export type WriterHooks = {
  /** A mutation committed: show `player` in state and broadcast `events`. */
  committed(player: Player, events: WireEvent[]): void;
  /** The writer reloaded from the database after a failed commit. */
  reloaded(player: Player): void;
  /** Another room owns this account now: this one must send its clients away. */
  fenced(): void;
};

type Status = 'ready' | 'reloading' | 'fenced';

export class PlayerWriter {
  readonly #deps: WriterDeps;
  readonly #hooks: WriterHooks;
  #player: Player;
  #epoch: number;
  /** Keyed by command id: the player is the only actor of its own ids. */
  readonly #idempotency: Idempotency;
  /** This writer's mutations handed to the pipeline and not settled yet. */
  readonly #committing = new Set<Promise<void>>();
  /** Last seq of the player's stream that is committed (the working seq may be ahead). */
  #committedSeq: number;
  #status: Status = 'ready';
  #reloading: Promise<boolean> | null = null;

  constructor(deps: WriterDeps, loaded: LoadedPlayer, hooks: WriterHooks) {
    this.#deps = deps;
    this.#hooks = hooks;
    this.#player = loaded.player;
    this.#epoch = loaded.epoch;
    this.#idempotency = new Idempotency(loaded.replies);
    this.#committedSeq = loaded.player.seq;
    this.#owed = loaded.owed;
  }

  get userId(): string {
    return this.#player.userId;
  }

  get epoch(): number {
    return this.#epoch;
  }

  get fence(): Fence {
    return { on: 'account', id: this.#player.userId };
  }

  /** The epoch this writer holds, or undefined while it is taking a new one (reloading). */
  get settledEpoch(): number | undefined {
    return this.#status === 'ready' ? this.#epoch : undefined;
  }

  /** A newer room took the fence: commit nothing more, send the clients there (once). */
  fenceTaken(): void {
    if (this.#status === 'fenced') return;
    this.#status = 'fenced';
    this.#hooks.fenced();
  }

  async handle(type: string, payload: unknown, readOnly: boolean): Promise<Reply> {
    if (type.startsWith('admin.')) return forbiddenAdminCommand(payload);
    const validated = validateCommand(playerRoomCommands, type, payload);
    if ('nack' in validated) return validated;
    const command = validated.command;
    if (command.type === CommandType.eventsSync) return this.#syncInTurn(command.id, command.afterSeq);
    if (readOnly) return nack(command.id, 'FORBIDDEN', 'this player room is read-only for you; only its owner may send commands');
    if (this.#status !== 'ready') {
      return nack(command.id, 'UNAVAILABLE', 'this player room is reloading after a storage error; send the command again with the same id', true);
    }

    const hash = payloadHash(type, payload as Record<string, unknown>);
    return this.#once(command.id, hash, () => this.#execute(command, hash));
  }

  /**
   * A command another room sends on the player's behalf (an admin grant, a crash bet), under an id
   * namespaced by its source so it never meets the player's own ids. Same rules: decided on the
   * working state, acknowledged after commit, answered from the stored reply when retried.
   */
  async handleInternal(recordId: string, hash: string, decide: (player: Player, published: PublishedEconomy) => Decision<unknown>): Promise<Reply> {
    if (this.#status !== 'ready') {
      return nack(recordId, 'UNAVAILABLE', 'the player room is reloading after a storage error; try again with the same id', true);
    }
    return this.#once(recordId, hash, async () => {
      const published = this.#deps.economy.current();
      let decision: Decision<unknown>;
      try {
        decision = decide(this.#player, published);
      } catch (error) {
        return (await this.#storedAnswer(recordId, hash)) ?? failureReply(recordId, error, this.#deps.logger, { userId: this.userId, recordId });
      }
      return this.#commit(recordId, hash, decision, published.version);
    });
  }

  /**
   * Applies what other rooms owe this player (schema/entities/effect.ts), each under the id
   * `fx:<key>` so a second delivery of the same effect finds the first one's reply.
   */
  applyEffects(): Promise<void> {
    // A delivery that arrives while a pass is running may bring an effect that pass did not read:
    // it asks for one more pass instead of starting a second one alongside.
    if (this.#effects) {
      this.#effectsAgain = true;
      return this.#effects;
    }
    this.#effects = (async () => {
      do {
        this.#effectsAgain = false;
        await this.#applyPendingEffects();
      } while (this.#effectsAgain);
    })().finally(() => (this.#effects = null));
    return this.#effects;
  }

  #effects: Promise<void> | null = null;
  #effectsAgain = false;
  /** What the load read as owed, for the first pass (the room's, right after it opens). */
  #owed: Effect[] | undefined;

  async #applyPendingEffects(): Promise<void> {
    // The list the load read serves one pass at most: a later pass reads what is owed then.
    const loaded = this.#owed;
    this.#owed = undefined;
    if (this.#status !== 'ready') return;
    const owed = loaded ?? (await this.#deps.store.effects.pending(this.userId));
    await Promise.all(
      owed.map((effect) => {
        const id = effectCommandId(effect.key);
        return this.#once(id, 'fx', async () => {
          // One version for the effect: its level-up reward and the version its transfers record.
          const published = this.#deps.economy.current();
          return this.#commit(id, 'fx', applyEffect(this.#player, effect, published.economy.rewards.levelUp), published.version, [effect.key]);
        });
      }),
    );
  }

  /** Runs `execute` once per id: a retry gets the stored or in-flight reply. */
  #once(id: string, hash: string, execute: () => Promise<Reply>): Promise<Reply> {
    return this.#idempotency.known(id, id, hash) ?? this.#idempotency.running(id, hash, execute());
  }

  async #execute(command: Exclude<PlayerCommand, { type: 'events.sync' }>, hash: string): Promise<Reply> {
    // One economy version for the whole command, read before anything is awaited: whatever is
    // published meanwhile applies from the next one.
    const published = this.#deps.economy.current();
    let counted: number | undefined;
    if (command.type === CommandType.shopBuy) {
      const offer = offerOf(published.economy, command.itemId);
      // Only a limited offer has a counter to read; an unlimited one costs no read.
      if (offer && offer.stock !== null) {
        try {
          counted = await this.#deps.store.stock.left(command.itemId);
        } catch (error) {
          this.#deps.logger.warn({ userId: this.userId, itemId: command.itemId, err: error }, 'shop stock read failed');
          return nack(command.id, 'UNAVAILABLE', 'the shop stock could not be read from storage; send the command again with the same id', true);
        }
      }
    }
    const now = this.#deps.clock.now();
    const game = gameByCommand(command.type);
    let decision: Decision<unknown>;
    try {
      decision = game ? playGame(game, this.#player, command, now, gameEconomy(game, published)) : this.#decide(command as CoreCommand, now, published, counted);
    } catch (error) {
      // A retry of an id older than the replies kept in memory is judged by its stored reply,
      // not by today's state (a claim retried tomorrow must not become CONFLICT).
      return (await this.#storedAnswer(command.id, hash)) ?? failureReply(command.id, error, this.#deps.logger, { userId: this.userId, type: command.type });
    }
    return this.#commit(command.id, hash, decision, published.version);
  }

  /** Applies a decision to the working state, commits it (its transfers recording `economyVersion`,
   *  the version it was decided under), and replies after the commit. */
  async #commit(id: string, hash: string, decision: Decision<unknown>, economyVersion: number, effectsApplied: string[] = []): Promise<Reply> {
    const at = new Date(this.#deps.clock.now());
    const stream = playerStream(this.userId);
    const events: WireEvent[] = decision.events.map((e, i) => ({ stream, seq: this.#player.seq + i + 1, type: e.type, at: at.toISOString(), data: e.data }));
    const next: Player = { ...decision.next, seq: this.#player.seq + events.length };
    this.#player = next;
    const mutation: Mutation = {
      writer: { account: this.userId, epoch: this.#epoch },
      transfers: decision.transfers,
      economyVersion,
      player: {
        userId: next.userId,
        xp: next.xp,
        level: next.level,
        stats: next.stats,
        inventory: next.inventory,
        purchases: next.purchases,
        streakDay: next.streakDay,
        lastClaimDay: next.lastClaimDay,
        serverSeed: next.fair.serverSeed,
        clientSeed: next.fair.clientSeed,
        nonce: next.fair.nonce,
      },
      outbox: events.map((e) => ({ stream, seq: e.seq, type: e.type, data: e.data, at })),
      command: { actor: this.userId, commandId: id, payloadHash: hash, reply: decision.result },
      stock: decision.stock,
      effectsApplied,
    };
    const committing = this.#deps.pipeline.submit(mutation);
    this.#committing.add(committing);
    try {
      await committing;
    } catch (error) {
      return this.#afterFailedCommit(id, hash, error);
    } finally {
      this.#committing.delete(committing);
    }
    this.#idempotency.remember(id, hash, decision.result);
    this.#committedSeq = next.seq;
    this.#hooks.committed(next, events);
    return ack(id, decision.result);
  }

  /** The player room's own commands (the games' are their modules'); each case's decision carries
   *  its command's ack result as the registry declares it (shared/registry.ts). */
  #decide(command: CoreCommand, now: number, published: PublishedEconomy, counted: number | undefined): Decision<CommandResult<CoreCommand['type']>> {
    switch (command.type) {
      case CommandType.streakClaim:
        return claimStreak(this.#player, utcDay(now), command.id, published.economy.rewards) satisfies Decision<CommandResult<typeof command.type>>;
      case CommandType.shopBuy:
        return buyItem(
          this.#player,
          { itemId: command.itemId, qty: command.qty, commandId: command.id },
          { offer: offerOf(published.economy, command.itemId), counted, economyVersion: published.version, now },
        ) satisfies Decision<CommandResult<typeof command.type>>;
      case CommandType.walletExchange:
        return exchange(this.#player, published.economy, published.version, command) satisfies Decision<CommandResult<typeof command.type>>;
      case CommandType.fairRotate:
        return rotateSeeds(this.#player, command.clientSeed, this.#deps.seeds()) satisfies Decision<CommandResult<typeof command.type>>;
      default:
        return exhaustive(command);
    }
  }

  /** The end of the last events.sync queued (a #sync never rejects). */
  #syncTail: Promise<unknown> = Promise.resolve();

  /**
   * One events.sync of this player at a time, the others queued behind it: each holds a pool
   * connection while it reads, and one account's sockets all syncing at once took the whole pool
   * (8 connections), so everyone's commits waited (the noisy-neighbour phase of `npm run bench`).
   * Many players syncing at once (a reconnect storm) are held to the process' `syncReads` limit,
   * which leaves the rest of the pool to commits and joins.
   */
  #syncInTurn(id: string, afterSeq: number): Promise<Reply> {
    const reply = this.#syncTail.then(() => this.#sync(id, afterSeq));
    this.#syncTail = reply;
    return reply;
  }

  #sync(id: string, afterSeq: number): Promise<Reply> {
    // Only committed events: the working seq may be ahead of what has been acknowledged.
    return syncReply(this.#deps.store.streams, this.#deps.syncReads, id, playerStream(this.userId), afterSeq, () => this.#committedSeq);
  }

  /**
   * A commit failed: the working state is ahead of the database. Reload (crash-only recovery)
   * and, since a lost connection can hide a commit that did happen, answer from the stored reply
   * when there is one.
   */
  async #afterFailedCommit(id: string, hash: string, error: unknown): Promise<Reply> {
    if (error instanceof CommitFailed && error.reason === 'fenced') {
      this.fenceTaken();
      return nack(id, 'UNAVAILABLE', 'this player room was replaced by a newer one; reconnect and send the command again with the same id', true);
    }
    const reloaded = await this.reload();
    if (reloaded) {
      const kept = this.#idempotency.remembered(id, id, hash);
      if (kept) return kept;
      const stored = await this.#storedAnswer(id, hash);
      if (stored) return stored;
    }
    return failureReply(id, error, this.#deps.logger, { userId: this.userId });
  }

  /**
   * The answer stored for `id`, if there is one; undefined when none is stored. Storage refusing
   * the read is a retryable UNAVAILABLE, never "none stored": that would judge a retry of an old
   * id on today's state (a claim retried tomorrow answered ALREADY_CLAIMED, final, instead of its
   * own ack).
   */
  async #storedAnswer(id: string, hash: string): Promise<Reply | undefined> {
    let stored: StoredReply | undefined;
    try {
      stored = await this.#deps.store.replies.find(this.userId, id);
    } catch (error) {
      this.#deps.logger.warn({ userId: this.userId, commandId: id, err: error }, 'stored reply read failed');
      return nack(id, 'UNAVAILABLE', 'storage is unavailable; send the command again with the same id', true);
    }
    if (!stored) return undefined;
    return answerStored(id, hash, stored);
  }

  /** Reloads from the database under a new epoch. Resolves false when storage is still down; it
   *  keeps retrying in the background until it succeeds or the room is disposed. */
  reload(): Promise<boolean> {
    if (this.#status === 'fenced') return Promise.resolve(false);
    this.#status = 'reloading';
    this.#reloading ??= this.#reloadOnce().then((ok) => {
      this.#reloading = null;
      if (!ok && this.#status === 'reloading') this.#retryTimer = setTimeout(() => void this.reload(), 1000);
      return ok;
    });
    return this.#reloading;
  }

  #retryTimer: NodeJS.Timeout | undefined;

  async #reloadOnce(): Promise<boolean> {
    // Let every mutation already handed over settle first: they fail together (the pipeline
    // poisons this writer's epoch) or committed before the failure. (Not the replies: the command
    // that asked for this reload is one of them, and it waits for the reload.)
    await Promise.allSettled([...this.#committing]);
    try {
      const oldEpoch = this.#epoch;
      const loaded = await this.#deps.store.players.load(this.userId, this.#player.displayName, new Date(this.#deps.clock.now()), RECENT_REPLIES, this.#deps.seeds);
      this.#deps.pipeline.forgetWriter(this.userId, oldEpoch);
      this.#player = loaded.player;
      this.#epoch = loaded.epoch;
      this.#idempotency.reset(loaded.replies);
      this.#committedSeq = loaded.player.seq;
      this.#status = 'ready';
      this.#hooks.reloaded(loaded.player);
      this.#deps.logger.warn({ userId: this.userId, epoch: loaded.epoch }, 'player room reloaded after a failed commit');
      return true;
    } catch (error) {
      this.#deps.logger.warn({ userId: this.userId, err: error }, 'player room reload failed; retrying');
      return false;
    }
  }

  dispose(): void {
    clearTimeout(this.#retryTimer);
    this.#status = 'fenced';
  }
}

/** An admin command sent by a player: refused, never an unknown type (docs/PROTOCOL.md). */
export function forbiddenAdminCommand(payload: unknown): Reply {
  const id = (payload as { id?: unknown } | null)?.id;
  return nack(typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : null, 'FORBIDDEN', 'admin commands are only for admins, in the admin room');
}

function exhaustive(value: never): never {
  throw new Error(`unhandled command ${JSON.stringify(value)}`);
}
