// What a crash table stores and how its changes reach storage, transport-free: the table's
// storage as a port bound to one fenced transaction (TableStore, implemented on crashStore.ts by
// server/store/crashTableStore.ts), written through the table's serial writer (server/core/writer.ts):
// each phase change as the room's own command, the players' bets and cash-outs in groups.
import type { CrashBet } from '../../domain/crash.ts';
import type { RunMode, WriterPort, WriterStep } from '../writer.ts';
import type { ChainSeed } from './chains.ts';
import type { Settlement } from './settlement.ts';
import type { PhaseOutcome, TablePorts, TableWrite } from './table.ts';

/** The table's storage inside one of its fenced transactions. */
export type TableStore = {
  insertChain(chain: ChainSeed): Promise<void>;
  insertRound(roundId: number, commitment: string): Promise<void>;
  markRunning(roundId: number): Promise<void>;
  /** Books the round's settlement from what is stored (settlement.ts); undefined if settled already. */
  settle(roundId: number): Promise<Settlement | undefined>;
  /** Merges these players' bets over the round's stored ones. */
  saveBets(roundId: number, bets: readonly CrashBet[]): Promise<void>;
};

/** A player's bet as a bet or cash-out left it, stored with the others of its group. */
export type BetPart = { roundId: number; bet: CrashBet };

/** Where the table writes and what it reports (an error storage should never let happen). */
export type TableStorage<T> = { writer: WriterPort<T>; storeIn(trx: T): TableStore; error(fields: object, message: string): void };

/**
 * The table's `commit` port (table.ts): a phase change as the writer's own command, never waiting
 * behind players' commands. An ack from a stored reply (before any fence check) is not this room's
 * commit: another room of the table stored the phase already.
 */
export function phaseCommitter<T>(table: string, storage: TableStorage<T>): TablePorts['commit'] {
  return async (id, events, write, apply) => {
    let applied = false;
    let settled: Settlement | undefined;
    const step: WriterStep<T> = {
      result: { roundId: write.roundId },
      events,
      write: async (trx) => {
        settled = await storeWrite(storage.storeIn(trx), write);
        if (settled?.unstaked.length) storage.error({ table, roundId: write.roundId, users: settled.unstaked }, 'recorded crash bets without a stake in escrow; neither paid nor taken');
      },
      apply: () => {
        applied = true;
        apply(settled);
      },
    };
    const answer = await storage.writer.run(`table:${table}`, id, 'phase', () => step, { own: true });
    if ('ack' in answer) return applied ? { stored: true } : { stored: false, takenOver: true };
    return { stored: false, takenOver: false, retryable: answer.nack.retryable, why: answer.nack.message } satisfies PhaseOutcome;
  };
}

/** A phase change's own writes; a settlement returns what it booked. */
export async function storeWrite(store: TableStore, write: TableWrite): Promise<Settlement | undefined> {
  switch (write.kind) {
    case 'open':
      if (write.chain) await store.insertChain(write.chain);
      await store.insertRound(write.roundId, write.commitment);
      return undefined;
    case 'run':
      await store.markRunning(write.roundId);
      return undefined;
    case 'settle':
      return store.settle(write.roundId);
  }
}

/**
 * How bets and cash-outs run: each is decided on the player's own bet and the round's phase
 * alone, which only the table's phase commits change (those run alone), so players' commands
 * commit in groups, their bets stored in one statement per round.
 */
export function betWrites<T>(storeIn: (trx: T) => TableStore): RunMode<T, BetPart> {
  return {
    independent: true,
    writeAll: async (trx, parts) => {
      const store = storeIn(trx);
      for (const roundId of new Set(parts.map((p) => p.roundId))) {
        await store.saveBets(roundId, parts.filter((p) => p.roundId === roundId).map((p) => p.bet));
      }
    },
  };
}
