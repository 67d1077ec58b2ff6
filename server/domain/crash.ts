// A crash table's round rules (the crash point and multiplier curve are shared/crash.ts). A round
// takes bets while 'betting', one per player; while 'running' a player may cash out once, at the
// current multiplier, if it is still below the crash point; once 'crashed' the round settles
// (server/core/crash/settlement.ts): cashed-out bets are paid floor(amount * multiplier), every
// other bet is lost to the house.
// Multipliers are hundredths, so payouts are worked out in whole hundredths, exactly.
import type { CrashPhase } from '../../shared/crash.ts';
import { GOLD, type CurrencyId } from '../../shared/economy.ts';
import { Reason } from '../../shared/reasons.ts';
import { Refused } from './errors.ts';

/** `stakeId`: the command id of the stake the player's room took for it (absent in bets stored
 *  before crash settlement worked from stored facts). `currency`: the stake's, and so the payout's
 *  (absent in bets stored before bets had a currency: those are gold, betCurrency). */
export type CrashBet = { userId: string; amount: number; cashedOutAt: number | null; payout: number; stakeId?: string; currency?: CurrencyId };
/** `roundId` is the round's index r on the table's hash chain. */
export type CrashRound = { roundId: number; phase: CrashPhase; crashPoint: number; bets: Record<string, CrashBet> };

export function newCrashRound(roundId: number, crashPoint: number): CrashRound {
  return { roundId, phase: 'betting', crashPoint, bets: {} };
}

function betOf(round: CrashRound, userId: string): CrashBet | undefined {
  return Object.hasOwn(round.bets, userId) ? round.bets[userId] : undefined;
}

/** A multiplier as whole hundredths; anything between hundredths is a caller's bug. */
function hundredths(multiplier: number): number {
  const cents = Math.round(multiplier * 100);
  if (!Number.isSafeInteger(cents) || cents < 100 || Math.abs(multiplier * 100 - cents) > 1e-6) {
    throw new RangeError(`multiplier ${multiplier} is not a number of hundredths >= 1`);
  }
  return cents;
}

/** The currency of a bet: its own, or gold for one stored before bets named theirs. */
export function betCurrency(bet: CrashBet): CurrencyId {
  return bet.currency ?? GOLD;
}

export function placeBet(round: CrashRound, userId: string, amount: number, stakeId?: string, currency: CurrencyId = GOLD): CrashRound {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`bet amount ${amount} is not a whole number >= 1`);
  if (round.phase !== 'betting') throw new Refused(Reason.ROUND_CLOSED, 'bets are only taken while the round is betting; wait for the next round');
  if (betOf(round, userId)) throw new Refused(Reason.ALREADY_BET, `you already bet in round ${round.roundId}; one bet per round`);
  return { ...round, bets: { ...round.bets, [userId]: { userId, amount, currency, cashedOutAt: null, payout: 0, ...(stakeId === undefined ? {} : { stakeId }) } } };
}

/**
 * A bet's stake, taken by the player's own room, must be for the round the bet is placed in: a
 * bet sent again after its round closed gets the earlier stake's stored reply, and that round's
 * settlement refunds the stake (a stake without a recorded bet).
 */
export function checkStakeRound(round: CrashRound, stakedRoundId: number): void {
  if (stakedRoundId !== round.roundId) {
    throw new Refused(Reason.STAKE_ROUND_OVER, `this bet was placed for round ${stakedRoundId}, which is over; its stake is refunded when that round settles; bet again with a new id`);
  }
}

/**
 * `round` with `userId`'s bet as a decision left it (`decided`: placeBet or cashOut on an earlier
 * copy of the same round). Bets and cash-outs of different players decided together are recorded
 * one after another this way, none undoing another's; a decision on another round changes nothing.
 */
export function withBetOf(round: CrashRound, decided: CrashRound, userId: string): CrashRound {
  const bet = betOf(decided, userId);
  if (decided.roundId !== round.roundId || !bet) return round;
  return { ...round, bets: { ...round.bets, [userId]: bet } };
}

export function cashOut(round: CrashRound, userId: string, multiplier: number): { round: CrashRound; payout: number } {
  const cents = hundredths(multiplier);
  if (round.phase !== 'running') throw new Refused(Reason.ROUND_NOT_RUNNING, 'you can cash out only while the round is running');
  const bet = betOf(round, userId);
  if (!bet) throw new Refused(Reason.NO_BET, `you have no bet in round ${round.roundId}`);
  if (bet.cashedOutAt !== null) throw new Refused(Reason.ALREADY_CASHED_OUT, `you already cashed out of round ${round.roundId} at ${bet.cashedOutAt.toFixed(2)}x`);
  if (cents >= Math.round(round.crashPoint * 100)) throw new Refused(Reason.CRASHED_FIRST, `round ${round.roundId} crashed at ${round.crashPoint.toFixed(2)}x before your cash-out`);
  // amount * cents is an exact integer (1,000,000 * 100,000 < 2^53); amount * multiplier is not
  // always (100 * 1.15 = 114.99999999999999).
  const payout = Math.floor((bet.amount * cents) / 100);
  const cashedOut: CrashBet = { ...bet, cashedOutAt: cents / 100, payout };
  return { round: { ...round, bets: { ...round.bets, [userId]: cashedOut } }, payout };
}
