// The storage the two writers (server/writers/playerWriter.ts, server/writers/serialWriter.ts) read and
// commit through, as small interfaces: no pg, no Colyseus. Implemented on PostgreSQL and PGlite by
// server/store/writerStore.ts (thin adapters over server/store/*) and in memory by
// server/core/memoryStore.ts; tests/contract/writerStore.contract.ts holds the three to the same
// cases. Every read rejects when storage refuses it, never answers "none": a writer turns the
// rejection into a retryable UNAVAILABLE (docs/ARCHITECTURE.md, "Storage behind ports").
import type { WireEvent } from '../../shared/protocol.ts';
import type { Effect } from '../domain/effects.ts';
import type { Player } from '../domain/player.ts';
import type { Mutation } from '../store/mutation.ts';

/** A committed command's reply, stored with it (INV-4). */
export type StoredReply = { payloadHash: string; reply: unknown };

/** Who sent a command and under which id: two actors' ids never meet. */
export type CommandKey = { actor: string; commandId: string };

/** A reply to store with a fenced commit. */
export type CommandReply = CommandKey & StoredReply;

/** Replies are kept at least this long (INV-4; docs/PROTOCOL.md: at least 24 hours): a load reads
 *  the newest of those younger than this. */
export const REPLY_RETENTION_MS = 24 * 3_600_000;

/** `owed`: what other rooms owe the player, read with it. `replies`: the newest, oldest first. */
export type LoadedPlayer = { player: Player; epoch: number; replies: Array<[string, StoredReply]>; owed: Effect[] };

/** A page of one stream's committed events after a seq, and the oldest seq retention left. */
export type StreamPage = { events: WireEvent[]; oldestSeq: number | null };

export type Replies = {
  /** The reply stored for `commandId` of `actor`, undefined when none is. */
  find(actor: string, commandId: string): Promise<StoredReply | undefined>;
  /** The replies of several commands in one read, in the order asked. */
  findMany(commands: readonly CommandKey[]): Promise<Array<StoredReply | undefined>>;
};

export type Players = {
  /**
   * Creates the account and player on first sight (the defaults, fresh seeds from `newSeed`),
   * takes the account's fence (the epoch goes up by one: a writer that loaded earlier commits
   * nothing more), and reads the player with its stream head, its `recent` newest replies and
   * the effects it is owed.
   */
  load(userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer>;
};

export type OwedEffects = {
  /** Effects owed to the player and not applied yet, oldest first (an applied one is never listed). */
  pending(userId: string): Promise<Effect[]>;
};

export type ShopStock = {
  /** What is left of a limited shop offer, undefined before its first sale (its counter opens
   *  then, at the offer's stock). The offers themselves are the economy's. */
  left(offerId: string): Promise<number | undefined>;
};

export type Streams = {
  /** A page of `stream`'s committed events after `afterSeq`, oldest first. */
  read(stream: string, afterSeq: number): Promise<StreamPage>;
};

/** The player writer's commits (the commit pipeline, server/store/commitPipeline.ts). */
export type Commits = {
  /** Settles once the mutation committed; rejects with CommitFailed ('fenced' when its epoch no
   *  longer holds the account's fence) when it did not. */
  submit(mutation: Mutation): Promise<void>;
  /** The writer reloaded under a new epoch: forget the old one's failed state. */
  forgetWriter(account: string, epoch: number): void;
};

export type FencedCommits<Tx> = {
  /**
   * Runs `work` (the commands' own writes), then stores `events` and `replies` as they are after
   * it (a write may complete a reply), all in one transaction that commits only while `epoch`
   * holds `writerId`'s fence. Rejects with CommitFailed ('fenced' for a lost fence), or with the
   * DomainError `work` threw; nothing is stored then.
   */
  commit(writerId: string, epoch: number, work: (tx: Tx) => Promise<void>, stored: { events: readonly WireEvent[]; replies: readonly CommandReply[] }): Promise<void>;
};

/** What the player writer reads from storage. */
export type PlayerWriterStore = { replies: Replies; players: Players; effects: OwedEffects; stock: ShopStock; streams: Streams };

/** What a shared room's serial writer reads and commits through; `Tx` is what its own writes get. */
export type SerialWriterStore<Tx> = { replies: Replies; commits: FencedCommits<Tx> };

/** Both writers' storage: one object per process (app.ts), or one fake per test. */
export type WriterStore<Tx> = PlayerWriterStore & SerialWriterStore<Tx>;
