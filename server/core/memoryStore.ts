// The writers' storage ports (ports.ts) in memory: a test runs a PlayerWriter or a SerialWriter on
// it without a database. It keeps the promises the writers rely on, held to the same cases as the
// PostgreSQL and PGlite adapters (tests/contract/writerStore.contract.ts): replies found by actor
// and id only, fences that refuse a stale epoch, balances per currency that never go below zero
// (a mutation that would take one there stores nothing), transfers kept with their currency and
// economy version, nothing stored by a commit that failed, effects owed until applied, and every
// call rejected while `down` (the writers' UNAVAILABLE paths).
import { playerStream, type WireEvent } from '../../shared/protocol.ts';
import { DomainError } from '../domain/errors.ts';
import { effectCommandId, type Effect } from '../domain/effects.ts';
import { freshFairness } from '../domain/fairness.ts';
import { currenciesOf, netDelta, type Transfer } from '../domain/ledger.ts';
import { CommitFailed, type Mutation, type PlayerRow } from '../store/mutation.ts';
import { REPLY_RETENTION_MS, type CommandKey, type CommandReply, type Commits, type LoadedPlayer, type StoredReply, type StreamPage, type WriterStore } from './ports.ts';

/** What a shared room's own writes get in memory: nothing to write to (its rules are tested in
 *  its core, its SQL on a database). */
export type MemoryTransaction = { readonly writerId: string };

type StoredPlayer = Omit<PlayerRow, 'userId'> & { displayName: string };
type Kept = StoredReply & { at: number };
/** A committed transfer with the economy version its mutation recorded. */
export type LedgerLine = Transfer & { economyVersion: number | null };
type Owed = { effect: Effect; applied: boolean };

/** What storage refuses with while down: as a lost connection refuses the adapters, with its
 *  SQLSTATE (connection_failure), so the writers classify it the same way (isTransient, sql.ts). */
export class StorageDown extends Error {
  readonly code = '08006';
  constructor() {
    super('storage is down');
    this.name = 'StorageDown';
  }
}

export class MemoryStore implements WriterStore<MemoryTransaction>, Commits {
  /** While true, every read and commit rejects. */
  down = false;
  readonly #now: () => number;
  readonly #accounts = new Map<string, { epoch: number; wallet: Record<string, number> }>();
  readonly #players = new Map<string, StoredPlayer>();
  readonly #replies = new Map<string, Kept>();
  readonly #streams = new Map<string, WireEvent[]>();
  readonly #owed: Owed[] = [];
  /** What is left of each limited shop offer whose counter has opened (its first sale). */
  readonly #stock = new Map<string, number>();
  readonly #roomFences = new Map<string, number>();
  readonly #ledger: LedgerLine[] = [];

  /** `now`: when a reply is stored, for the retention window of a load. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  readonly replies = {
    find: async (actor: string, commandId: string): Promise<StoredReply | undefined> => {
      this.#refuseWhileDown();
      const kept = this.#replies.get(keyOf({ actor, commandId }));
      return kept && { payloadHash: kept.payloadHash, reply: copy(kept.reply) };
    },
    findMany: async (commands: readonly CommandKey[]): Promise<Array<StoredReply | undefined>> => Promise.all(commands.map((c) => this.replies.find(c.actor, c.commandId))),
  };

  readonly players = {
    load: async (userId: string, displayName: string, now: Date, recent: number, newSeed: () => string): Promise<LoadedPlayer> => {
      this.#refuseWhileDown();
      const account = this.#accounts.get(userId) ?? { epoch: 0, wallet: {} };
      account.epoch += 1;
      this.#accounts.set(userId, account);
      let row = this.#players.get(userId);
      if (!row) {
        row = { displayName, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, serverSeed: newSeed(), clientSeed: newSeed().slice(0, 16), nonce: 0 };
        this.#players.set(userId, row);
      }
      const since = now.getTime() - REPLY_RETENTION_MS;
      const replies = [...this.#replies.entries()]
        .filter(([key, kept]) => key.startsWith(`${userId}\u0000`) && kept.at > since)
        .slice(-recent)
        .map(([key, kept]): [string, StoredReply] => [key.slice(userId.length + 1), { payloadHash: kept.payloadHash, reply: copy(kept.reply) }]);
      return {
        epoch: account.epoch,
        player: {
          userId,
          displayName: row.displayName,
          wallet: { ...account.wallet },
          xp: row.xp,
          level: row.level,
          stats: copy(row.stats) as LoadedPlayer['player']['stats'],
          inventory: { ...row.inventory },
          purchases: { ...row.purchases },
          streakDay: row.streakDay,
          lastClaimDay: row.lastClaimDay,
          seq: this.#streams.get(playerStream(userId))?.at(-1)?.seq ?? 0,
          fair: { ...freshFairness(row.serverSeed, row.clientSeed), nonce: row.nonce },
        },
        replies,
        owed: this.#pending(userId),
      };
    },
  };

  readonly effects = {
    pending: async (userId: string): Promise<Effect[]> => {
      this.#refuseWhileDown();
      return this.#pending(userId);
    },
  };

  readonly stock = {
    left: async (offerId: string): Promise<number | undefined> => {
      this.#refuseWhileDown();
      return this.#stock.get(offerId);
    },
  };

  readonly streams = {
    // The whole rest of the stream: paging by count and bytes is the outbox reader's (outboxReader.ts).
    read: async (stream: string, afterSeq: number): Promise<StreamPage> => {
      this.#refuseWhileDown();
      const events = this.#streams.get(stream) ?? [];
      return { events: events.filter((e) => e.seq > afterSeq).map(copy), oldestSeq: events[0]?.seq ?? null };
    },
  };

  readonly commits = {
    commit: async (writerId: string, epoch: number, work: (tx: MemoryTransaction) => Promise<void>, stored: { events: readonly WireEvent[]; replies: readonly CommandReply[] }): Promise<void> => {
      if (this.down) throw new CommitFailed('unavailable', 'storage is unavailable', { cause: new StorageDown() });
      if (this.#roomFences.get(writerId) !== epoch) throw new CommitFailed('fenced', `${writerId} is written by a newer room`);
      try {
        await work({ writerId });
        // As the transaction's statements would: a stored key or seq again refuses it all.
        this.#checkNew(stored.replies, stored.events);
      } catch (error) {
        if (error instanceof CommitFailed || error instanceof DomainError) throw error;
        throw new CommitFailed('rejected', 'the command could not be committed', { cause: error });
      }
      this.#store(stored.replies, stored.events);
    },
  };

  /** The player writer's commit pipeline: one mutation, all or nothing. */
  async submit(mutation: Mutation): Promise<void> {
    if (this.down) throw new CommitFailed('unavailable', 'storage is unavailable', { cause: new StorageDown() });
    const account = this.#accounts.get(mutation.writer.account);
    if (!account || account.epoch !== mutation.writer.epoch) throw new CommitFailed('fenced', `${mutation.writer.account} is written by a newer room`);
    for (const claim of mutation.stock ?? []) {
      if ((this.#stock.get(claim.itemId) ?? claim.opening) < claim.qty) throw new CommitFailed('soldOut', `${claim.itemId} is sold out`);
    }
    const wallet = { ...account.wallet };
    for (const currency of currenciesOf(mutation.transfers)) {
      const balance = (wallet[currency] ?? 0) + netDelta(mutation.writer.account, currency, mutation.transfers);
      if (balance < 0) throw new CommitFailed('rejected', `${mutation.writer.account} would go below zero in ${currency}`);
      wallet[currency] = balance;
    }
    const replies = mutation.command ? [mutation.command] : [];
    const events = mutation.outbox.map((e) => ({ stream: e.stream, seq: e.seq, type: e.type, at: e.at.toISOString(), data: e.data }));
    try {
      this.#checkNew(replies, events);
    } catch (error) {
      throw new CommitFailed('rejected', 'the mutation could not be committed', { cause: error });
    }
    account.wallet = wallet;
    for (const t of mutation.transfers) this.#ledger.push({ ...t, economyVersion: mutation.economyVersion });
    for (const claim of mutation.stock ?? []) this.#stock.set(claim.itemId, (this.#stock.get(claim.itemId) ?? claim.opening) - claim.qty);
    if (mutation.player) {
      const { userId, ...row } = copy(mutation.player);
      this.#players.set(userId, { ...row, displayName: this.#players.get(userId)?.displayName ?? userId });
    }
    const applied = new Set(mutation.effectsApplied ?? []);
    for (const owed of this.#owed) if (owed.effect.userId === mutation.writer.account && applied.has(owed.effect.key)) owed.applied = true;
    this.#store(replies, events);
  }

  /** The pipeline forgets a failed epoch's state; the fake keeps none. */
  forgetWriter(): void {}

  // Set-up, as other rooms and the admin would write (not part of the writers' ports).

  /** Takes a shared room's fence: its epoch goes up by one. */
  takeRoomFence(writerId: string): number {
    const epoch = (this.#roomFences.get(writerId) ?? 0) + 1;
    this.#roomFences.set(writerId, epoch);
    return epoch;
  }

  /** Effects another room owes (a bounty, a crash payout); a key owed already stays as it was. */
  owe(effects: readonly Effect[]): void {
    for (const effect of effects) if (!this.#owed.some((o) => o.effect.key === effect.key)) this.#owed.push({ effect: { ...effect }, applied: false });
  }

  /** Every transfer committed into or out of `account`, oldest first, as the ledger records it. */
  transfersOf(account: string): LedgerLine[] {
    return this.#ledger.filter((t) => t.from === account || t.to === account).map((t) => ({ ...t }));
  }

  #refuseWhileDown(): void {
    if (this.down) throw new StorageDown();
  }

  /** Unapplied effects, oldest first; one whose application is recorded (its reply) is marked applied. */
  #pending(userId: string): Effect[] {
    const mine = this.#owed.filter((o) => o.effect.userId === userId && !o.applied);
    for (const owed of mine) if (this.#replies.has(keyOf({ actor: userId, commandId: effectCommandId(owed.effect.key) }))) owed.applied = true;
    return mine.filter((o) => !o.applied).map((o) => ({ ...o.effect }));
  }

  #checkNew(replies: readonly CommandKey[], events: readonly WireEvent[]): void {
    const keys = new Set<string>();
    for (const r of replies) {
      const key = keyOf(r);
      if (this.#replies.has(key) || keys.has(key)) throw new Error(`a reply to ${r.actor}'s ${r.commandId} is stored already`);
      keys.add(key);
    }
    for (const e of events) {
      if ((this.#streams.get(e.stream) ?? []).some((s) => s.seq === e.seq)) throw new Error(`${e.stream} has an event ${e.seq} already`);
    }
  }

  #store(replies: readonly CommandReply[], events: readonly WireEvent[]): void {
    const at = this.#now();
    for (const r of replies) this.#replies.set(keyOf(r), { payloadHash: r.payloadHash, reply: copy(r.reply), at });
    for (const e of events) {
      const stream = this.#streams.get(e.stream) ?? [];
      stream.push(copy(e));
      stream.sort((a, b) => a.seq - b.seq);
      this.#streams.set(e.stream, stream);
    }
  }
}

function keyOf(command: CommandKey): string {
  return `${command.actor}\u0000${command.commandId}`;
}

/** What a JSON column gives back: a copy, so the caller's later changes never reach the store. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
