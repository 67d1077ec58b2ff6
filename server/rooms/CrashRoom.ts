// The `crash` room: the Colyseus adapter of a crash table (server/core/crash/table.ts). One per
// table (filterBy table, default `main`), any player, for tables that exist
// (server/rooms/sharedNames.ts); a second room for a served table is refused. The table's phases,
// bets and cash-outs go through one fenced serial writer, in order. A bet is debited first, by the
// player's own room (into escrow) before the table's transaction opens; a cash-out locks the
// multiplier; the round is settled once under the table's fence from what is stored
// (server/core/crash/settlement.ts), so a successor room settles a round the same way as the room
// that ran it: a round that ran is played, only one that never ran is void.
import type { AuthContext, Delayed } from '@colyseus/core';
import { CRASH_TABLE_NAME, CrashCommandType, crashCommands, DEFAULT_CRASH_TABLE, type CrashHistoryEntry } from '../../shared/crashCommands.ts';
import type { CommandResult } from '../../shared/registry.ts';
import { crashStream, RoomName, ServerMessage, type WireEvent } from '../../shared/protocol.ts';
import { CrashBetState, CrashHistoryState, CrashState } from '../../shared/state.ts';
import { chainOf, type Chain, type ChainCache, type ChainSeed } from '../core/crash/chains.ts';
import { stakeIdOf, type Settlement } from '../core/crash/settlement.ts';
import { CrashTable, type PhaseOutcome, type TableChange, type TableWrite } from '../core/crash/table.ts';
import type { Identity, Tokens } from '../auth/tokens.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { SeedSource } from '../domain/clock.ts';
import { cashOut, checkStakeRound, placeBet, withBetOf, type CrashBet } from '../domain/crash.ts';
import type { CrashStakeResult } from '../domain/crashStake.ts';
import { DomainError } from '../domain/errors.ts';
import type { DomainEvent } from '../domain/player.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Orm } from '../store/orm.ts';
import { CHAIN_LENGTH, insertChain, insertRound, markRunning, nextRoundId, recentRounds, saveBets, storedBets, tableChains, unsettledRounds } from '../store/crashStore.ts';
import { settleStoredRound } from '../store/crashSettlement.ts';
import { takeRoomFence } from '../store/roomFence.ts';
import type { Queryable } from '../store/sql.ts';
import { headSeq } from '../store/streamStore.ts';
import { authenticate, checkProtocol, refuse } from './joinAuth.ts';
import { payloadHash } from './payloadHash.ts';
import { callPlayerRoom, deliverEffects } from './playerRooms.ts';
import { nack, type Reply } from './replies.ts';
import { CofferRoom, type AdapterDeps } from './roomAdapter.ts';
import type { SharedRoomCalls } from './roomCalls.ts';
import { SerialWriter, type RunMode, type SerialDeps } from './serialWriter.ts';
import type { SharedNames } from './sharedNames.ts';
import { refuseIfServed } from './sharedRooms.ts';
import { validateCommand } from './validateCommand.ts';
import { RoomAccounts, type UserLimits } from './userLimits.ts';

export type CrashTiming = { bettingMs: number; pauseMs: number; growthPerSecond: number };
export type CrashRoomDeps = SerialDeps & Pick<AdapterDeps, 'syncReads' | 'addressLimits'> & { userLimits: Pick<UserLimits, 'config'> } & { orm: Orm; tokens: Tokens; sessions: Pick<Sessions, 'check'>; metrics: Metrics; rateLimitPerSecond: number; seeds: SeedSource; crash: CrashTiming; names: SharedNames; chains: ChainCache };

const HISTORY = 20;
/** A player's bet as a bet or cash-out left it, stored with the others of its group. */
type BetPart = { roundId: number; bet: CrashBet };
/** Attempts at storing a phase, a second apart, before the room gives the table up. */
const PHASE = { retryMs: 1000, attempts: 10, tickMs: 100 };

// The stream's name is defined once, in shared/ (re-exported for existing importers).
export { crashStream };

export function defineCrashRoom(deps: CrashRoomDeps) {
  return class CrashRoom extends CofferRoom<CrashState> implements SharedRoomCalls {
    protected readonly adapterDeps = deps;
    state = new CrashState();
    #table = DEFAULT_CRASH_TABLE;
    #crash: CrashTable | undefined;
    #writer: SerialWriter | undefined;
    /**
     * Bets and cash-outs are decided on the player's own bet and the round's phase alone, which only
     * the table's phase commits change (those run alone): players' commands commit in groups, their
     * bets stored in one statement per round.
     */
    readonly #betWrites: RunMode<BetPart> = {
      independent: true,
      writeAll: async (trx, parts) => {
        for (const roundId of new Set(parts.map((p) => p.roundId))) {
          await saveBets(deps.sql, trx, this.#table, roundId, parts.filter((p) => p.roundId === roundId).map((p) => p.bet));
        }
      },
    };

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
      const loaded = await Promise.all([takeRoomFence(deps.sql, stream), headSeq(deps.sql, stream), tableChains(deps.sql, this.#table), unsettledRounds(deps.orm, this.#table), nextRoundId(deps.orm, this.#table), recentRounds(deps.orm, this.#table, HISTORY)]).catch(
        (error: unknown) => {
          deps.logger.warn({ table: this.#table, err: error }, 'crash room could not load');
          throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
        },
      );
      const [epoch, seq, seeds, unsettled, next, recent] = loaded;
      if (seeds.length === 0) throw refuse('NOT_FOUND', `there is no crash table named ${this.#table}`);
      this.#writer = new SerialWriter(deps, stream, stream, epoch, seq, {
        committed: (events) => this.#broadcast(events),
        fenced: () => this.handOver('fence taken'),
        reload: () => this.#reload(stream),
      });
      // Only the chains the rounds at hand play are hashed (a slice at a time, once per process).
      const chains = await this.#buildChains(seeds, [...recent, ...unsettled.map((u) => u.roundId), next]);
      this.#crash = new CrashTable(this.#ports(), { ...deps.crash, ...PHASE, chainLength: CHAIN_LENGTH }, chains);
      this.state.table = this.#table;
      this.state.seq = seq;
      for (const roundId of recent.reverse()) this.#remember(roundId);
      // Rounds a previous room left unsettled are settled first, exactly once, by the same rules.
      if (!(await this.#crash.settleLeftOver(unsettled))) {
        // This room is never created: nothing of it may stay behind (its fence watch).
        this.release();
        throw refuse('UNAVAILABLE', 'an interrupted crash round could not be settled yet; try joining again shortly');
      }
      this.serve({ kind: 'crash', commands: crashCommands, accounts: new RoomAccounts(deps.userLimits.config, deps.clock), handle: (client, type, payload) => this.#handle(client.auth as Identity, type, payload) });
      void this.#crash.start(next);
    }

    /**
     * After a commit whose answer was lost: the round's bets as stored. A bet (or cash-out) that
     * did commit is acked from its stored reply, and memory must hold it too, or the player could
     * not cash out of a bet the table has.
     */
    async #reload(stream: string): Promise<number> {
      const seq = await headSeq(deps.sql, stream);
      const round = this.#crash?.round;
      const bets = round && (await storedBets(deps.orm, this.#table, round.roundId));
      if (round && bets) {
        this.#crash!.record({ ...round, bets });
        for (const bet of Object.values(bets)) this.state.bets.set(bet.userId, new CrashBetState().assign({ amount: bet.amount, cashedOutAt: bet.cashedOutAt ?? 0, payout: bet.payout }));
      }
      return seq;
    }

    protected release() {
      this.#crash?.stop();
      this.#writer?.dispose();
    }

    async #buildChains(seeds: ChainSeed[], rounds: number[]): Promise<Chain[]> {
      const placeholders: Chain[] = seeds.map((seed) => ({ ...seed, hashes: [] }));
      const needed = new Set(rounds.map((r) => chainOf(placeholders, r)).filter((c) => c !== undefined).map((c) => c.firstRound));
      return Promise.all(seeds.filter((seed) => needed.has(seed.firstRound)).map((seed) => deps.chains.get(seed)));
    }

    /** The table's ports: the writer, the room's clock (its timers end with the room), the state. */
    #ports() {
      return {
        clock: deps.clock,
        after: (ms: number, run: () => void): Delayed => this.clock.setTimeout(run, ms),
        every: (ms: number, run: () => void): Delayed => this.clock.setInterval(run, ms),
        chain: (seed: ChainSeed) => deps.chains.get(seed),
        newSeed: deps.seeds,
        commit: (id: string, events: DomainEvent[], write: TableWrite, apply: (settled: Settlement | undefined) => void) => this.#commitPhase(id, events, write, apply),
        show: (change: TableChange) => this.#show(change),
        owed: (userIds: string[]) => {
          // After the commit: the owners apply what they are owed (the sweeper does it later
          // should this call be lost).
          for (const userId of userIds) void deliverEffects(userId, (error) => deps.logger.warn({ userId, err: error }, 'payout delivery failed; the sweeper will retry'));
        },
        giveUp: (why: string) => {
          deps.logger.error({ table: this.#table, why }, 'giving the crash table up to the next room');
          this.handOver(why);
        },
        warn: (fields: object, message: string) => deps.logger.warn({ table: this.#table, ...fields }, message),
      };
    }

    async #commitPhase(id: string, events: DomainEvent[], write: TableWrite, apply: (settled: Settlement | undefined) => void): Promise<PhaseOutcome> {
      let applied = false;
      let settled: Settlement | undefined;
      const reply = await this.#writer!.run(`table:${this.#table}`, id, 'phase', () => ({
        result: { roundId: write.roundId },
        events,
        write: async (trx) => {
          settled = await this.#store(trx, write);
        },
        apply: () => {
          applied = true;
          apply(settled);
        },
      }), { own: true });
      // Acknowledged from a stored reply (before any fence check): not this room's commit.
      if ('ack' in reply) return applied ? { stored: true } : { stored: false, takenOver: true };
      return { stored: false, takenOver: false, retryable: reply.nack.retryable, why: reply.nack.message };
    }

    async #store(trx: Queryable, write: TableWrite): Promise<Settlement | undefined> {
      switch (write.kind) {
        case 'open':
          if (write.chain) await insertChain(deps.sql, trx, this.#table, write.chain);
          await insertRound(deps.sql, trx, this.#table, write.roundId, write.commitment);
          return undefined;
        case 'run':
          await markRunning(deps.sql, trx, this.#table, write.roundId);
          return undefined;
        case 'settle': {
          const settlement = await settleStoredRound(deps.sql, trx, this.#table, write.roundId);
          if (settlement?.unstaked.length) deps.logger.error({ table: this.#table, roundId: write.roundId, users: settlement.unstaked }, 'recorded crash bets without a stake in escrow; neither paid nor taken');
          return settlement;
        }
      }
    }

    #show(change: TableChange) {
      switch (change.phase) {
        case 'betting':
          Object.assign(this.state, { phase: 'betting', roundId: change.roundId, multiplier: 1, phaseAt: change.endsAt, seedHash: change.seedHash });
          this.state.bets.clear();
          return;
        case 'running':
          Object.assign(this.state, { phase: 'running', phaseAt: change.startedAt });
          return;
        case 'multiplier':
          this.state.multiplier = change.multiplier;
          return;
        case 'crashed':
          Object.assign(this.state, { phase: 'crashed', multiplier: change.crashPoint, phaseAt: change.at });
          this.#remember(change.roundId);
          // Its bets are settled: a table nobody watches may go.
          this.autoDispose = true;
          return;
      }
    }

    #remember(roundId: number) {
      // A round of a chain this room did not hash (too old to matter) is left out of the history.
      const proof = this.#crash?.proof(roundId);
      if (!proof) return;
      const entry: CrashHistoryEntry = { roundId, ...proof };
      this.state.history.push(new CrashHistoryState().assign(entry));
      while (this.state.history.length > HISTORY) this.state.history.shift();
    }

    async #handle(identity: Identity, type: string, payload: unknown): Promise<Reply> {
      const validated = validateCommand(crashCommands, type, payload);
      if ('nack' in validated) return validated;
      const command = validated.command;
      if (command.type === CrashCommandType.eventsSync) return this.syncStream(command.id, crashStream(this.#table), command.afterSeq, this.#writer!.seq);
      if (identity.role === 'admin') return nack(command.id, 'FORBIDDEN', 'admins have no wallet and cannot bet');
      const userId = identity.userId;
      const hash = payloadHash(type, payload as Record<string, unknown>);
      const table = this.#crash!;
      if (command.type === CrashCommandType.bet) {
        return this.#writer!.run(userId, command.id, hash, () => {
          const round = placeBet(table.round, userId, command.amount, stakeIdOf(this.#table, command.id));
          const result: CommandResult<typeof CrashCommandType.bet> = { roundId: round.roundId, amount: command.amount, balance: 0 };
          return {
            result,
            events: [],
            prepare: async () => {
              // The owner debits first, in its own commit (INV-8); if the table's
              // transaction then fails, the settlement finds the stake in escrow without a
              // recorded bet and refunds it.
              const stake = await callPlayerRoom(userId, 'crashBet', { table: this.#table, roundId: round.roundId, id: command.id, amount: command.amount });
              if ('nack' in stake) throw new DomainError(stake.nack.code, stake.nack.message, stake.nack.retryable, stake.nack.reason);
              const staked = stake.ack.result as CrashStakeResult;
              checkStakeRound(round, staked.roundId);
              result.balance = staked.balance;
            },
            part: { roundId: round.roundId, bet: round.bets[userId] },
            apply: () => {
              table.record(withBetOf(table.round, round, userId));
              this.state.bets.set(userId, new CrashBetState().assign({ amount: command.amount, cashedOutAt: 0, payout: 0 }));
              // A table with open bets stays alive with nobody watching: the bets are settled.
              this.autoDispose = false;
            },
          };
        }, this.#betWrites);
      }
      return this.#writer!.run(userId, command.id, hash, () => {
        const multiplier = table.multiplierNow();
        const { round, payout } = cashOut(table.round, userId, multiplier);
        return {
          result: { roundId: round.roundId, multiplier, payout } satisfies CommandResult<typeof CrashCommandType.cashout>,
          events: [],
          part: { roundId: round.roundId, bet: round.bets[userId] },
          apply: () => {
            table.record(withBetOf(table.round, round, userId));
            this.state.bets.get(userId)?.assign({ cashedOutAt: multiplier, payout });
          },
        };
      }, this.#betWrites);
    }

    #broadcast(events: WireEvent[]) {
      this.state.seq = this.#writer!.seq;
      for (const event of events) this.broadcast(ServerMessage.event, event);
    }
  };
}
