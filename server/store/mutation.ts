// What a room hands to the commit pipeline: everything one command changes, committed atomically.
import type { Transfer } from '../domain/ledger.ts';
import type { StockClaim } from '../domain/player.ts';

/** The fencing token: the room that wrote this mutation and the epoch it loaded under. */
export type Writer = { account: string; epoch: number };

export type OutboxRow = { stream: string; seq: number; type: string; data: unknown; at: Date };

export type PlayerRow = {
  userId: string;
  xp: number;
  level: number;
  stats: unknown;
  inventory: Record<string, number>;
  streakDay: number;
  lastClaimDay: number | null;
  serverSeed: string;
  clientSeed: string;
  nonce: number;
  /** Units bought of each shop offer, in all (the offers' per-player limits). */
  purchases: Record<string, number>;
};

export type CommandRecord = { actor: string; commandId: string; payloadHash: string; reply: unknown };

export type Mutation = {
  writer: Writer;
  transfers: readonly Transfer[];
  /** The economy version the command was decided under (shared/economy.ts), recorded with each of
   *  its transfers; null when no economy took part. */
  economyVersion: number | null;
  player?: PlayerRow;
  outbox: readonly OutboxRow[];
  command?: CommandRecord;
  /** Limited shop stock this mutation takes; the whole mutation fails if it is not there. */
  stock?: readonly StockClaim[];
  /** Keys of the `effects` rows this mutation applies (marked applied in the same commit). */
  effectsApplied?: readonly string[];
};

export function writerKey(writer: Writer): string {
  return `${writer.account}@${writer.epoch}`;
}

/** Why a mutation did not commit. `fenced`: another room owns the writer now; `soldOut`: a
 *  limited item it bought was sold to someone else first. */
export type CommitFailure = 'fenced' | 'unavailable' | 'rejected' | 'soldOut';

export class CommitFailed extends Error {
  readonly reason: CommitFailure;
  constructor(reason: CommitFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommitFailed';
    this.reason = reason;
  }
}
