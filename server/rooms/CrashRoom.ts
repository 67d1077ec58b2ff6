// The `crash` room: one per table (filterBy table, default `main`), any player. Rounds go
// betting -> running -> crashed; the crash point of round r comes from the table's hash chain
// (shared/crash.ts), whose commitment is in state before the round. A bet is debited first, by a
// synchronous call to the player's own room (into escrow); a cash-out locks the multiplier; the
// round is settled once under the table's fence: stakes go to the house, cash-outs are paid from
// the house as effects each player's room applies. A round interrupted by the room going away is
// settled when the table loads again: cash-outs are paid, the other stakes refunded.
import { Room, type AuthContext, type Client, type Delayed } from '@colyseus/core';
import { crashChain, crashPoint, msUntil, multiplierAt, roundCommitment, roundHash } from '../../shared/crash.ts';
import { CRASH_TABLE_NAME, CrashCommandType, crashCommands, DEFAULT_CRASH_TABLE, type CrashCommand, type CrashHistoryEntry } from '../../shared/crashCommands.ts';
import { EventType } from '../../shared/events.ts';
import { CloseCode, crashStream, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { CrashBetState, CrashHistoryState, CrashState } from '../../shared/state.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import type { SeedSource } from '../domain/clock.ts';
import { cashOut, newCrashRound, placeBet, type CrashRound } from '../domain/crash.ts';
import type { CrashStakeResult } from '../domain/crashStake.ts';
import type { Effect } from '../domain/effects.ts';
import { DomainError } from '../domain/errors.ts';
import { SystemAccount } from '../domain/ledger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { insertRound, markSettled, nextRoundId, recentRounds, saveBets, stakesInEscrow, systemTransfer, tableSeed, unsettledRounds } from '../store/crashStore.ts';
import { insertEffects } from '../store/effectsStore.ts';
import { readStream } from '../store/outboxReader.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import type { Queryable } from '../store/sql.ts';
import { headSeq } from '../store/streamStore.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { callPlayerRoom, deliverEffects } from './playerRooms.ts';
import { forbiddenAdminCommand } from './playerWriter.ts';
import { RateLimiter } from './rateLimiter.ts';
import { ack, nack, type Reply } from './replies.ts';
import { SerialWriter, type SerialDeps } from './serialWriter.ts';
import { validateCommand } from './validateCommand.ts';

export type CrashTiming = { bettingMs: number; pauseMs: number; growthPerSecond: number };
export type CrashRoomDeps = SerialDeps & { tokens: Tokens; metrics: Metrics; rateLimitPerSecond: number; seeds: SeedSource; crash: CrashTiming };

const HISTORY = 20;
const TICK_MS = 100;
const RETRY_MS = 1000;

// The stream's name is defined once, in shared/ (re-exported for existing importers).
export { crashStream };

export function defineCrashRoom(deps: CrashRoomDeps) {
  return class CrashRoom extends Room<{ state: CrashState }> {
    state = new CrashState();
    #table = DEFAULT_CRASH_TABLE;
    #chain: string[] = [];
    #round: CrashRound = newCrashRound(0, 1);
    #runningAt = 0;
    #writer: SerialWriter | undefined;
    #timer: Delayed | undefined;
    #ticker: Delayed | undefined;
    readonly #limits = new WeakMap<Client, RateLimiter>();

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      options.table ??= DEFAULT_CRASH_TABLE;
      if (typeof options.table !== 'string' || !CRASH_TABLE_NAME.test(options.table)) throw refuse('INVALID_INPUT', 'table must be 1-32 characters of [a-z0-9-]');
      return identity;
    }

    async onCreate(options: { table?: string }) {
      this.#table = options.table ?? DEFAULT_CRASH_TABLE;
      const stream = crashStream(this.#table);
      const loaded = await Promise.all([takeRoomFence(deps.sql, stream), headSeq(deps.sql, stream), tableSeed(deps.sql, this.#table, deps.seeds()), unsettledRounds(deps.sql, this.#table), nextRoundId(deps.sql, this.#table), recentRounds(deps.sql, this.#table, HISTORY)]).catch(
        (error: unknown) => {
          deps.logger.warn({ table: this.#table, err: error }, 'crash room could not load');
          throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
        },
      );
      const [epoch, seq, seed, unsettled, next, recent] = loaded;
      this.#chain = crashChain(seed.seed, seed.length);
      this.#writer = new SerialWriter(deps, stream, stream, epoch, seq, {
        committed: (events) => this.#broadcast(events),
        fenced: () => this.#handOver(),
        reload: () => headSeq(deps.sql, stream),
      });
      this.state.table = this.#table;
      this.state.seq = seq;
      for (const roundId of recent.reverse()) this.#remember(roundId);
      this.onMessage('*', (client, type, payload) => this.#receive(client, String(type), payload));
      deps.metrics.rooms.inc({ room: 'crash' });
      // Rounds a previous room left unsettled are settled first, exactly once.
      for (const stored of unsettled) {
        const round: CrashRound = { roundId: stored.roundId, phase: 'crashed', crashPoint: this.#crashPointOf(stored.roundId), bets: stored.bets };
        const reply = await this.#settle(round.roundId, true, () => round, true);
        if ('nack' in reply) throw refuse('UNAVAILABLE', 'an interrupted crash round could not be settled yet; try joining again shortly');
      }
      void this.#startRound(next);
    }

    onDispose() {
      this.#stopTimers();
      this.#writer?.dispose();
      deps.metrics.rooms.dec({ room: 'crash' });
    }

    async onDrop(client: Client) {
      await this.allowReconnection(client, 20).catch(() => undefined);
    }

    #crashPointOf(roundId: number): number {
      return crashPoint(roundHash(this.#chain, roundId));
    }

    #stopTimers() {
      this.#timer?.clear();
      this.#ticker?.clear();
    }

    /** The table is another room's now: this one stops and sends its clients there. */
    #handOver() {
      this.#stopTimers();
      this.#writer?.dispose();
      void this.lock();
      setImmediate(() => void this.disconnect(CloseCode.RECONNECT).catch(() => undefined));
    }

    /**
     * Runs a phase change through the writer (fenced, in order with bets); retried until stored,
     * and resolves with the answer of the attempt that was: what follows a phase (the next round
     * after a settlement) waits for that one, not for the first answer, which storage may refuse.
     * `once` makes one attempt (a table loading refuses its join instead of waiting).
     */
    async #transition(id: string, decide: Parameters<SerialWriter['run']>[3], once = false): Promise<Reply> {
      for (;;) {
        let applied = false;
        const reply = await this.#writer!.run(`table:${this.#table}`, id, 'phase', () => {
          const decision = decide();
          return {
            ...decision,
            apply: () => {
              applied = true;
              decision.apply?.();
            },
          };
        });
        if ('ack' in reply && !applied) {
          // Acknowledged from a stored reply, before any fence check: a newer room of this table
          // already ran this phase (a duplicate room after Redis lost the matchmaker's listing),
          // or storage lost the answer to this room's own commit. Either way the table's round is
          // not this room's any more; carrying on would leave it, and its clients, frozen forever,
          // since it would never commit again to find out.
          deps.logger.warn({ table: this.#table, id }, 'crash round phase was already stored; handing the table over');
          if (!once) this.#handOver();
          return nack(id, 'UNAVAILABLE', 'this table was taken over by a newer room; join again', true);
        }
        if (once || !('nack' in reply && reply.nack.retryable)) return reply;
        deps.logger.warn({ table: this.#table, id, nack: reply.nack }, 'crash round phase not stored; retrying');
        // The room's clock: a disposed room stops retrying.
        await new Promise<void>((resolve) => (this.#timer = this.clock.setTimeout(resolve, RETRY_MS)));
      }
    }

    #startRound(roundId: number) {
      if (roundId >= this.#chain.length - 1) {
        deps.logger.error({ table: this.#table, roundId }, 'the crash table used up its hash chain; no further rounds start');
        return;
      }
      const commitment = roundCommitment(this.#chain, roundId);
      return this.#transition(`r${roundId}-betting`, () => {
        const endsAt = deps.clock.now() + deps.crash.bettingMs;
        return {
          result: { roundId },
          events: [{ type: EventType.crashRound, data: { phase: 'betting', roundId, seedHash: commitment, endsAt } }],
          write: (trx) => insertRound(deps.sql, trx, this.#table, roundId, commitment),
          apply: () => {
            this.#round = newCrashRound(roundId, this.#crashPointOf(roundId));
            Object.assign(this.state, { phase: 'betting', roundId, multiplier: 1, phaseAt: endsAt, seedHash: commitment });
            this.state.bets.clear();
            this.#timer = this.clock.setTimeout(() => void this.#run(), deps.crash.bettingMs);
          },
        };
      });
    }

    #run() {
      const roundId = this.#round.roundId;
      return this.#transition(`r${roundId}-running`, () => ({
        result: { roundId },
        events: [{ type: EventType.crashRound, data: { phase: 'running', roundId } }],
        apply: () => {
          this.#runningAt = deps.clock.now();
          this.#round = { ...this.#round, phase: 'running' };
          Object.assign(this.state, { phase: 'running', phaseAt: this.#runningAt });
          this.#ticker = this.clock.setInterval(() => (this.state.multiplier = multiplierAt(deps.clock.now() - this.#runningAt, deps.crash.growthPerSecond)), TICK_MS);
          this.#timer = this.clock.setTimeout(() => void this.#crash(), msUntil(this.#round.crashPoint, deps.crash.growthPerSecond));
        },
      }));
    }

    async #crash() {
      this.#ticker?.clear();
      const roundId = this.#round.roundId;
      // The round as it stands when the settlement's turn comes, not as the timer found it: a
      // cash-out decided before the crash may still be committing ahead of it in the writer, and
      // was acknowledged unpaid when the settlement went by the timer's copy.
      const reply = await this.#settle(roundId, false, () => ({ ...this.#round, phase: 'crashed' }));
      if ('ack' in reply) this.#timer = this.clock.setTimeout(() => void this.#startRound(roundId + 1), deps.crash.pauseMs);
    }

    /**
     * Settles a crashed (or interrupted) round once: every stake the ledger holds in escrow for it
     * either goes to the house or, when the bet was never recorded or the round never ran to its
     * crash, back to its player; cash-outs are paid from the house. Payouts and refunds are
     * effects, applied by each player's room. `crashed` gives the round at the settlement's turn
     * in the writer, after every command queued before it.
     */
    #settle(roundId: number, interrupted: boolean, crashed: () => CrashRound, once = false): Promise<Reply> {
      const hash = roundHash(this.#chain, roundId);
      const commitment = roundCommitment(this.#chain, roundId);
      return this.#transition(`r${roundId}-settled`, () => {
        const round = crashed();
        return {
          result: { roundId: round.roundId },
          events: [{ type: EventType.crashRound, data: { phase: 'crashed', roundId: round.roundId, crashPoint: round.crashPoint, hash, commitment, interrupted } }],
          write: (trx) => this.#writeSettlement(trx, round, interrupted),
          apply: () => {
            this.#round = round;
            Object.assign(this.state, { phase: 'crashed', multiplier: round.crashPoint, phaseAt: deps.clock.now() });
            this.#remember(round.roundId);
            for (const userId of Object.keys(round.bets)) void deliverEffects(userId, (error) => deps.logger.warn({ userId, err: error }, 'payout delivery failed; the sweeper will retry'));
            this.autoDispose = true;
          },
        };
      }, once);
    }

    async #writeSettlement(trx: Queryable, round: CrashRound, interrupted: boolean): Promise<void> {
      if (!(await markSettled(deps.sql, trx, this.#table, round.roundId))) return;
      const ref = `crash:${this.#table}:${round.roundId}`;
      const stakes = await stakesInEscrow(deps.sql, trx, ref);
      const effects: Effect[] = [];
      let toHouse = 0;
      for (const bet of Object.values(round.bets)) {
        const staked = stakes.get(bet.userId) ?? 0;
        stakes.delete(bet.userId);
        // More in escrow than the recorded bet: an earlier bet of this round (another id) whose
        // stake was taken but which the table never recorded. That part goes back to the player.
        const stake = Math.min(staked, bet.amount);
        const unrecorded = staked - stake;
        if (bet.cashedOutAt !== null) {
          toHouse += stake;
          effects.push({ key: `${ref}:${bet.userId}`, userId: bet.userId, fromAccount: SystemAccount.house, gold: bet.payout, xp: 0, reason: 'crash.payout', ref });
        } else if (interrupted) {
          effects.push({ key: `${ref}:${bet.userId}`, userId: bet.userId, fromAccount: SystemAccount.escrow, gold: stake, xp: 0, reason: 'crash.refund', ref });
        } else {
          toHouse += stake;
        }
        if (unrecorded > 0) effects.push({ key: `${ref}:${bet.userId}:unrecorded`, userId: bet.userId, fromAccount: SystemAccount.escrow, gold: unrecorded, xp: 0, reason: 'crash.refund', ref });
      }
      // Stakes debited for bets the table never recorded (its commit failed after the debit).
      for (const [userId, stake] of stakes) effects.push({ key: `${ref}:${userId}`, userId, fromAccount: SystemAccount.escrow, gold: stake, xp: 0, reason: 'crash.refund', ref });
      await systemTransfer(deps.sql, trx, SystemAccount.escrow, SystemAccount.house, toHouse, 'crash.settle', ref);
      await insertEffects(deps.sql, trx, effects.filter((e) => e.gold > 0));
    }

    #remember(roundId: number) {
      const entry: CrashHistoryEntry = { roundId, crashPoint: this.#crashPointOf(roundId), hash: roundHash(this.#chain, roundId), commitment: roundCommitment(this.#chain, roundId) };
      this.state.history.push(new CrashHistoryState().assign(entry));
      while (this.state.history.length > HISTORY) this.state.history.shift();
    }

    #receive(client: Client, type: string, payload: unknown) {
      let limiter = this.#limits.get(client);
      if (!limiter) this.#limits.set(client, (limiter = new RateLimiter(deps.rateLimitPerSecond, deps.clock)));
      const verdict = limiter.take();
      if (verdict === 'close') return client.leave(CloseCode.RATE_LIMITED);
      const reply =
        verdict === 'limited'
          ? Promise.resolve(nack(null, 'RATE_LIMITED', `more than ${deps.rateLimitPerSecond} messages in one second; slow down`, true))
          : this.#handle(client.auth as Identity, type, payload);
      void reply.then((r) => ('ack' in r ? client.send(ServerMessage.ack, r.ack) : client.send(ServerMessage.nack, r.nack)));
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      if (type.startsWith('admin.')) return forbiddenAdminCommand(payload);
      const validated = validateCommand(crashCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command as CrashCommand;
      if (command.type === CrashCommandType.eventsSync) return this.#sync(command.id, command.afterSeq);
      if (identity.role === 'admin') return nack(command.id, 'FORBIDDEN', 'admins have no wallet and cannot bet');
      const userId = identity.userId;
      const hash = payloadHash(type, payload as Record<string, unknown>);
      if (command.type === CrashCommandType.bet) {
        return this.#writer!.run(userId, command.id, hash, () => {
          const round = placeBet(this.#round, userId, command.amount);
          const result = { roundId: round.roundId, amount: command.amount, balance: 0 };
          return {
            result,
            events: [],
            prepare: async () => {
              // The owner debits first, in its own commit (INV-8); if the table's
              // transaction then fails, the settlement finds the stake in escrow without a
              // recorded bet and refunds it.
              const stake = await callPlayerRoom<Reply>(userId, 'crashBet', [{ table: this.#table, roundId: round.roundId, id: command.id, amount: command.amount }]);
              if ('nack' in stake) throw new DomainError(stake.nack.code, stake.nack.message, stake.nack.retryable);
              const staked = stake.ack.result as CrashStakeResult;
              if (staked.roundId !== round.roundId) {
                // Sent again after its round closed (its stake was taken, the bet never recorded):
                // that round's settlement refunds the stake.
                throw new DomainError('CONFLICT', `this bet was placed for round ${staked.roundId}, which is over; its stake is refunded when that round settles; bet again with a new id`);
              }
              result.balance = staked.balance;
            },
            write: (trx) => saveBets(deps.sql, trx, this.#table, round.roundId, round.bets),
            apply: () => {
              this.#round = round;
              this.state.bets.set(userId, new CrashBetState().assign({ amount: command.amount, cashedOutAt: 0, payout: 0 }));
              // A table with open bets stays alive with nobody watching: the bets are settled.
              this.autoDispose = false;
            },
          };
        });
      }
      return this.#writer!.run(userId, command.id, hash, () => {
        // Outside the running phase cashOut refuses whatever the multiplier; it is 1 there.
        const multiplier = this.#round.phase === 'running' ? multiplierAt(deps.clock.now() - this.#runningAt, deps.crash.growthPerSecond) : 1;
        const { round, payout } = cashOut(this.#round, userId, multiplier);
        return {
          result: { roundId: round.roundId, multiplier, payout },
          events: [],
          write: (trx) => saveBets(deps.sql, trx, this.#table, round.roundId, round.bets),
          apply: () => {
            this.#round = round;
            this.state.bets.get(userId)?.assign({ cashedOutAt: multiplier, payout });
          },
        };
      });
    }

    #broadcast(events: WireEvent[]) {
      this.state.seq = this.#writer!.seq;
      for (const event of events) this.broadcast(ServerMessage.event, event);
    }

    async #sync(id: string, afterSeq: number): Promise<Reply> {
      try {
        const head = this.#writer!.seq;
        const { events, oldestSeq } = await readStream(deps.sql, crashStream(this.#table), afterSeq);
        if (oldestSeq !== null && afterSeq + 1 < oldestSeq) return ack(id, { snapshot: true, seq: head });
        return ack(id, { events: events.filter((e) => e.seq <= head), seq: head });
      } catch {
        return nack(id, 'UNAVAILABLE', 'events could not be read from storage; try events.sync again', true);
      }
    }
  };
}
