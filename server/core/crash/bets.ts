// A crash table's bet and cash-out protocol, transport-free: each command decided on the round in
// play by the pure rules (domain/crash.ts), and a bet by the crash limits of the economy version in
// force, when its turn comes in the table's serial writer, in groups of players (betWrites,
// tableWrites.ts). A bet's stake is taken first, by the player's own room in its own commit
// (INV-8), before the table's transaction opens; if that transaction then fails, the settlement
// finds the stake in escrow without a recorded bet and refunds it. Memory (the round, what players
// see) changes only after the commit.
import type { CrashBetResult, CrashCashoutResult } from '../../../shared/crashCommands.ts';
import { betCurrency, cashOut, checkStakeRound, placeBet, withBetOf, type CrashBet } from '../../domain/crash.ts';
import { CRASH_GAME, type CrashStakeResult } from '../../domain/crashStake.ts';
import { checkLimits } from '../../domain/stakeLimits.ts';
import { GOLD, type BetLimits, type CurrencyId } from '../../../shared/economy.ts';
import { DomainError } from '../../domain/errors.ts';
import { stakeIdOf } from './settlement.ts';
import type { CrashTable } from './table.ts';
import type { Answer, RunMode, WriterStep } from '../writer.ts';
import { betWrites, type BetPart, type TableStorage } from './tableWrites.ts';

/** The stake the table asks the player's room to take into escrow. */
export type StakeCall = { table: string; roundId: number; id: string; amount: number; currency: CurrencyId };

/** A player's bet command; `currency` absent is gold. */
export type BetCommand = { id: string; amount: number; currency?: CurrencyId };

/** A bet as players see it change: placed, cashed out, or read back from storage. */
export type BetChange = { kind: 'placed' | 'cashedOut' | 'restored'; bet: CrashBet };

export type BetPorts = {
  /** The player's own room takes the stake (its answer: the stake's result, or the refusal). */
  stake(userId: string, call: StakeCall): Promise<Answer>;
  /** The bet limits per currency of the economy version in force (economy.crash.limits), read when a bet is decided. */
  limits(): Readonly<Record<CurrencyId, BetLimits>>;
  show(change: BetChange): void;
};

/** A bet or cash-out decided: no writes of its own, the writer stores its `part` with the others of its group. */
export type BetStep<R> = Omit<WriterStep<unknown, BetPart>, 'write'> & { result: R; part: BetPart; apply(): void };

/** What bets need of the table: the round in play, recording it, the multiplier now. */
export type BetTable = Pick<CrashTable, 'round' | 'record' | 'multiplierNow'>;

export class CrashBets<T> {
  readonly #table: BetTable;
  readonly #name: string;
  readonly #storage: TableStorage<T>;
  readonly #ports: BetPorts;
  readonly #mode: RunMode<T, BetPart>;

  constructor(table: BetTable, name: string, storage: TableStorage<T>, ports: BetPorts) {
    this.#table = table;
    this.#name = name;
    this.#storage = storage;
    this.#ports = ports;
    this.#mode = betWrites(storage.storeIn);
  }

  /** A player's bet, run once per (player, id); `hash` is the command's payload hash. */
  bet(userId: string, command: BetCommand, hash: string): Promise<Answer> {
    return this.#storage.writer.run(userId, command.id, hash, () => this.#decideBet(userId, command), this.#mode);
  }

  /** A player's cash-out, at the multiplier of the moment its turn comes. */
  cashOut(userId: string, id: string, hash: string): Promise<Answer> {
    return this.#storage.writer.run(userId, id, hash, () => this.#decideCashOut(userId), this.#mode);
  }

  #decideBet(userId: string, command: BetCommand): BetStep<CrashBetResult> {
    // The stake, the escrow, the payout and a refund are all in the bet's currency (server/domain/crashStake.ts, settlement.ts).
    const currency = command.currency ?? GOLD;
    checkLimits(CRASH_GAME, this.#ports.limits(), currency, command.amount, 'amount');
    const round = placeBet(this.#table.round, userId, command.amount, stakeIdOf(this.#name, command.id), currency);
    const result: CrashBetResult = { roundId: round.roundId, amount: command.amount, currency, balance: 0 };
    const bet = round.bets[userId]!;
    return {
      result,
      events: [],
      prepare: async () => {
        const answer = await this.#ports.stake(userId, { table: this.#name, roundId: round.roundId, id: command.id, amount: command.amount, currency });
        if ('nack' in answer) throw new DomainError(answer.nack.code, answer.nack.message, answer.nack.retryable, answer.nack.reason);
        const staked = answer.ack.result as CrashStakeResult;
        checkStakeRound(round, staked.roundId);
        result.balance = staked.balance;
      },
      part: { roundId: round.roundId, bet },
      apply: () => {
        this.#table.record(withBetOf(this.#table.round, round, userId));
        this.#ports.show({ kind: 'placed', bet });
      },
    };
  }

  #decideCashOut(userId: string): BetStep<CrashCashoutResult> {
    const multiplier = this.#table.multiplierNow();
    const { round, payout } = cashOut(this.#table.round, userId, multiplier);
    const bet = round.bets[userId]!;
    return {
      result: { roundId: round.roundId, multiplier, payout, currency: betCurrency(bet) },
      events: [],
      part: { roundId: round.roundId, bet },
      apply: () => {
        this.#table.record(withBetOf(this.#table.round, round, userId));
        this.#ports.show({ kind: 'cashedOut', bet });
      },
    };
  }

  /**
   * After a commit whose answer was lost: the round's bets as stored (`read`). A bet (or cash-out)
   * that did commit is acked from its stored reply, and memory must hold it too, or the player
   * could not cash out of a bet the table has. A round that moved on meanwhile is left as it is.
   */
  async restore(read: (roundId: number) => Promise<Record<string, CrashBet> | undefined>): Promise<void> {
    const { roundId } = this.#table.round;
    const bets = await read(roundId);
    const round = this.#table.round;
    if (!bets || round.roundId !== roundId) return;
    this.#table.record({ ...round, bets });
    for (const bet of Object.values(bets)) this.#ports.show({ kind: 'restored', bet });
  }
}
