// The `crash` room: one per table (filterBy table, default `main`), any player, for tables that
// exist (server/rooms/sharedNames.ts); a second room for a served table is refused. Rounds go
// betting -> running -> crashed; the crash point of round r comes from the table's hash chains
// (server/core/crash/chains.ts), whose commitment is stored and shown before the round. A bet is
// debited first, by the player's own room (into escrow) before the table's transaction opens; a
// cash-out locks the multiplier; the round is settled once under the table's fence from what is
// stored (server/core/crash/settlement.ts), so a successor room settles a round the same way as
// the room that ran it: a round that ran is played, only one that never ran is void.
import type { AuthContext, Delayed } from '@colyseus/core';
import { msUntil, multiplierAt } from '../../shared/crash.ts';
import { CRASH_TABLE_NAME, CrashCommandType, crashCommands, DEFAULT_CRASH_TABLE, type CrashCommand, type CrashHistoryEntry } from '../../shared/crashCommands.ts';
import { EventType } from '../../shared/events.ts';
import { CloseCode, RoomName, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { CrashBetState, CrashHistoryState, CrashState } from '../../shared/state.ts';
import { chainOf, roundProof, type Chain, type ChainCache, type ChainSeed } from '../core/crash/chains.ts';
import { stakeIdOf } from '../core/crash/settlement.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import type { SeedSource } from '../domain/clock.ts';
import { cashOut, newCrashRound, placeBet, type CrashRound } from '../domain/crash.ts';
import type { CrashStakeResult } from '../domain/crashStake.ts';
import { DomainError } from '../domain/errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import { CHAIN_LENGTH, insertChain, insertRound, markRunning, nextRoundId, recentRounds, saveBets, tableChains, unsettledRounds } from '../store/crashStore.ts';
import { settleStoredRound } from '../store/crashSettlement.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import { headSeq } from '../store/streamStore.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { callPlayerRoom } from './playerRooms.ts';
import { nack, type Reply } from './replies.ts';
import { CofferRoom } from './roomAdapter.ts';
import type { SharedRoomCalls } from './roomCalls.ts';
import { SerialWriter, type SerialDeps } from './serialWriter.ts';
import type { SharedNames } from './sharedNames.ts';
import { refuseIfServed } from './sharedRooms.ts';
import { validateCommand } from './validateCommand.ts';

export type CrashTiming = { bettingMs: number; pauseMs: number; growthPerSecond: number };
export type CrashRoomDeps = SerialDeps & { tokens: Tokens; metrics: Metrics; rateLimitPerSecond: number; seeds: SeedSource; crash: CrashTiming; names: SharedNames; chains: ChainCache };

const HISTORY = 20;
const TICK_MS = 100;
const RETRY_MS = 1000;
/** Attempts at storing a phase before the room gives the table up (a later room settles it). */
const PHASE_ATTEMPTS = 10;

export function crashStream(table: string): string {
  return `crash:${table}`;
}

export function defineCrashRoom(deps: CrashRoomDeps) {
  return class CrashRoom extends CofferRoom<CrashState> implements SharedRoomCalls {
    protected readonly adapterDeps = deps;
    state = new CrashState();
    #table = DEFAULT_CRASH_TABLE;
    #chains: Chain[] = [];
    #round: CrashRound = newCrashRound(0, 1);
    #runningAt = 0;
    #writer: SerialWriter | undefined;
    #timer: Delayed | undefined;
    #ticker: Delayed | undefined;

    static async onAuth(token: string | undefined, options: Record<string, unknown>, _context: AuthContext): Promise<Identity> {
      checkProtocol(options);
      const identity = await authenticate(deps.tokens, token);
      options.table ??= DEFAULT_CRASH_TABLE;
      if (typeof options.table !== 'string' || !CRASH_TABLE_NAME.test(options.table)) throw refuse('INVALID_INPUT', 'table must be 1-32 characters of [a-z0-9-]');
      await deps.names.checkCrashTable(options.table);
      return identity;
    }

    async onCreate(options: { table?: string }) {
      this.#table = options.table ?? DEFAULT_CRASH_TABLE;
      const stream = crashStream(this.#table);
      await refuseIfServed(RoomName.crash, { table: this.#table }, this.roomId, `crash table ${this.#table}`);
      const loaded = await Promise.all([takeRoomFence(deps.sql, stream), headSeq(deps.sql, stream), tableChains(deps.sql, this.#table), unsettledRounds(deps.sql, this.#table), nextRoundId(deps.sql, this.#table), recentRounds(deps.sql, this.#table, HISTORY)]).catch(
        (error: unknown) => {
          deps.logger.warn({ table: this.#table, err: error }, 'crash room could not load');
          throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
        },
      );
      const [epoch, seq, seeds, unsettled, next, recent] = loaded;
      if (seeds.length === 0) throw refuse('NOT_FOUND', `there is no crash table named ${this.#table}`);
      // Only the chains the rounds at hand play are hashed (a slice at a time, once per process).
      this.#chains = await this.#buildChains(seeds, [...recent, ...unsettled.map((u) => u.roundId), next]);
      this.#writer = new SerialWriter(deps, stream, stream, epoch, seq, {
        committed: (events) => this.#broadcast(events),
        fenced: () => this.handOver('fence taken'),
        reload: () => headSeq(deps.sql, stream),
      });
      this.state.table = this.#table;
      this.state.seq = seq;
      for (const roundId of recent.reverse()) this.#remember(roundId);
      // Rounds a previous room left unsettled are settled first, exactly once, by the same rules.
      for (const stored of unsettled) {
        const reply = await this.#settle(stored.roundId, true, stored.ran, true);
        if ('nack' in reply) {
          // This room is never created: nothing of it may stay behind (its fence watch).
          this.release();
          throw refuse('UNAVAILABLE', 'an interrupted crash round could not be settled yet; try joining again shortly');
        }
      }
      this.serve({ kind: 'crash', commands: crashCommands, handle: (client, type, payload) => this.#handle(client.auth as Identity, type, payload) });
      void this.#startRound(next);
    }

    async #buildChains(seeds: ChainSeed[], rounds: number[]): Promise<Chain[]> {
      const placeholders: Chain[] = seeds.map((seed) => ({ ...seed, hashes: [] }));
      const needed = new Set(rounds.map((r) => chainOf(placeholders, r)).filter((c) => c !== undefined).map((c) => c.firstRound));
      return Promise.all(seeds.filter((seed) => needed.has(seed.firstRound)).map((seed) => deps.chains.get(seed)));
    }

    #proof(roundId: number) {
      return roundProof(this.#chains, roundId);
    }

    protected release() {
      this.#timer?.clear();
      this.#ticker?.clear();
      this.#writer?.dispose();
    }

    /**
     * Runs a phase change through the writer (fenced, in order with bets); retried while storage
     * refuses it, and resolves with the answer of the attempt that was stored: what follows a
     * phase (the next round after a settlement) waits for that one. A room that cannot store it
     * within PHASE_ATTEMPTS, or stops serving meanwhile, gives the table up: the next room settles
     * what is open by the same rules. `once` makes one attempt (a loading table refuses its join).
     */
    async #transition(id: string, decide: Parameters<SerialWriter['run']>[3], once = false): Promise<Reply> {
      for (let attempt = 1; ; attempt++) {
        if (!this.live) return nack(id, 'UNAVAILABLE', 'this table room is closing; join again', true);
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
          // already ran this phase, or storage lost the answer to this room's own commit. Either
          // way the table's round is not this room's any more; carrying on would leave it, and
          // its clients, frozen forever.
          deps.logger.warn({ table: this.#table, id }, 'crash round phase was already stored; handing the table over');
          if (!once) this.handOver('phase already stored by a newer room');
          return nack(id, 'UNAVAILABLE', 'this table was taken over by a newer room; join again', true);
        }
        if (once || 'ack' in reply) return reply;
        if (!reply.nack.retryable || attempt >= PHASE_ATTEMPTS || !this.live) {
          // A room that cannot move its round on serves nobody: it used to stay, clientless,
          // retrying for ever and holding up shutdown.
          deps.logger.error({ table: this.#table, id, attempts: attempt, nack: reply.nack }, 'crash round phase could not be stored; giving the table up to the next room');
          this.handOver('phase not stored');
          return reply;
        }
        deps.logger.warn({ table: this.#table, id, nack: reply.nack }, 'crash round phase not stored; retrying');
        // The room's clock: a disposed room's timers never fire, and `live` ends the loop above.
        await new Promise<void>((resolve) => (this.#timer = this.clock.setTimeout(resolve, RETRY_MS)));
      }
    }

    async #startRound(roundId: number) {
      let chain = chainOf(this.#chains, roundId);
      let fresh: Chain | undefined;
      if (!chain) {
        // The chain ran out: a new one, hashed before the transaction that commits it.
        fresh = await deps.chains.get({ firstRound: roundId, seed: deps.seeds(), length: CHAIN_LENGTH });
        chain = fresh;
      }
      const hashes = chain;
      const proof = roundProof([hashes], roundId);
      return this.#transition(`r${roundId}-betting`, () => {
        const endsAt = deps.clock.now() + deps.crash.bettingMs;
        return {
          result: { roundId },
          events: [{ type: EventType.crashRound, data: { phase: 'betting', roundId, seedHash: proof.commitment, endsAt } }],
          write: async (trx) => {
            if (fresh) await insertChain(deps.sql, trx, this.#table, { firstRound: fresh.firstRound, seed: fresh.seed, length: fresh.length });
            await insertRound(deps.sql, trx, this.#table, roundId, proof.commitment);
          },
          apply: () => {
            if (fresh) this.#chains = [...this.#chains.filter((c) => c.firstRound !== fresh.firstRound), fresh];
            this.#round = newCrashRound(roundId, proof.crashPoint);
            Object.assign(this.state, { phase: 'betting', roundId, multiplier: 1, phaseAt: endsAt, seedHash: proof.commitment });
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
        // Stored with the phase: from here on the round is played whoever settles it.
        write: (trx) => markRunning(deps.sql, trx, this.#table, roundId),
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
      // Settled at its turn in the writer, after every cash-out decided before the crash.
      const reply = await this.#settle(roundId, false, true);
      if ('ack' in reply) this.#timer = this.clock.setTimeout(() => void this.#startRound(roundId + 1), deps.crash.pauseMs);
    }

    /**
     * Settles a round once, from what storage holds (store/crashSettlement.ts): the same result
     * whichever room does it. `ran` (stored: the running phase was committed) only decides what
     * the event says; the settlement reads it again under the round's row lock.
     */
    #settle(roundId: number, interrupted: boolean, ran: boolean, once = false): Promise<Reply> {
      const proof = this.#proof(roundId);
      let owed: string[] = [];
      return this.#transition(
        `r${roundId}-settled`,
        () => ({
          result: { roundId },
          events: [{ type: EventType.crashRound, data: { phase: 'crashed', roundId, crashPoint: proof.crashPoint, hash: proof.hash, commitment: proof.commitment, interrupted, voided: !ran } }],
          write: async (trx) => {
            const settlement = await settleStoredRound(deps.sql, trx, this.#table, roundId);
            if (settlement?.unstaked.length) deps.logger.error({ table: this.#table, roundId, users: settlement.unstaked }, 'recorded crash bets without a stake in escrow; neither paid nor taken');
            owed = [...new Set(settlement?.effects.map((e) => e.userId) ?? [])];
          },
          apply: () => {
            this.#round = { ...this.#round, phase: 'crashed' };
            Object.assign(this.state, { phase: 'crashed', multiplier: proof.crashPoint, phaseAt: deps.clock.now() });
            this.#remember(roundId);
            // After the commit: the owners apply what they are owed (the sweeper does it later
            // should this call be lost).
            for (const userId of owed) void callPlayerRoom(userId, 'applyEffects').catch(() => undefined);
            this.autoDispose = true;
          },
        }),
        once,
      );
    }

    #remember(roundId: number) {
      // A round of a chain this room did not hash (too old to matter) is left out of the history.
      if (!chainOf(this.#chains, roundId)) return;
      const entry: CrashHistoryEntry = { roundId, ...this.#proof(roundId) };
      this.state.history.push(new CrashHistoryState().assign(entry));
      while (this.state.history.length > HISTORY) this.state.history.shift();
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const validated = validateCommand(crashCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command as CrashCommand;
      if (command.type === CrashCommandType.eventsSync) return this.syncStream(command.id, crashStream(this.#table), command.afterSeq, this.#writer!.seq);
      if (identity.role === 'admin') return nack(command.id, 'FORBIDDEN', 'admins have no wallet and cannot bet');
      const userId = identity.userId;
      const hash = payloadHash(type, payload as Record<string, unknown>);
      if (command.type === CrashCommandType.bet) {
        return this.#writer!.run(userId, command.id, hash, () => {
          const round = placeBet(this.#round, userId, command.amount, stakeIdOf(this.#table, command.id));
          const result = { roundId: round.roundId, amount: command.amount, balance: 0 };
          return {
            result,
            events: [],
            prepare: async () => {
              // The owner debits first, in its own commit (DESIGN rule 6); if the table's
              // transaction then fails, the settlement finds the stake in escrow without a
              // recorded bet and refunds it.
              const stake = await callPlayerRoom(userId, 'crashBet', { table: this.#table, roundId: round.roundId, id: command.id, amount: command.amount });
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
  };
}
