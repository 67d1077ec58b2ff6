// The `crash` room: one per crash table that exists (filterBy table, default `main`), any player; a
// shared room (sharedRoom.ts) running the crash core (server/core/crash/: phases, bets and cash-outs,
// what they store, settlement from what is stored) through the table's one fenced serial writer.
import { CRASH_TABLE_NAME, CrashCommandType, crashCommands, DEFAULT_CRASH_TABLE } from '../../shared/crashCommands.ts';
import { crashStream, RoomName } from '../../shared/protocol.ts';
import { CrashBetState, CrashHistoryState, CrashState } from '../../shared/state.ts';
import type { Identity } from '../auth/tokens.ts';
import { CrashBets, type BetChange } from '../core/crash/bets.ts';
import { chainsFor, type ChainCache } from '../core/crash/chains.ts';
import { CrashTable, PHASE_STEPS, type TableChange } from '../core/crash/table.ts';
import { phaseCommitter, type TableStorage } from '../core/crash/tableWrites.ts';
import type { SeedSource } from '../domain/clock.ts';
import { betCurrency } from '../domain/crash.ts';
import type { EconomySource } from '../economy/source.ts';
import { CHAIN_LENGTH, storedBets } from '../store/crashStore.ts';
import { crashTableStore, loadCrashTable } from '../store/crashTableStore.ts';
import type { Queryable } from '../store/sql.ts';
import { refuse } from './joinAuth.ts';
import { callPlayerRoom } from '../calls/playerRooms.ts';
import { bindSharedRoom, SharedRoom, type RoomCommand, type SharedRoomDeps, type SharedRoomSpec } from './sharedRoom.ts';

export type CrashTiming = { bettingMs: number; pauseMs: number; growthPerSecond: number };
export type CrashRoomDeps = SharedRoomDeps & { seeds: SeedSource; crash: CrashTiming; chains: ChainCache; economy: EconomySource };

const HISTORY = 20;
type Loaded = Awaited<ReturnType<typeof loadCrashTable>>;

export class CrashRoom extends SharedRoom<CrashState, CrashRoomDeps, typeof crashCommands, Loaded> {
  static readonly spec: SharedRoomSpec<CrashRoomDeps, typeof crashCommands> = {
    kind: RoomName.crash, commands: crashCommands, stream: crashStream, refuseAdmins: 'admins have no wallet and cannot bet',
    named: { option: 'table', fallback: DEFAULT_CRASH_TABLE, pattern: CRASH_TABLE_NAME, what: 'crash table', exists: (deps, table) => deps.names.checkCrashTable(table) },
  };
  state = new CrashState();
  #table: CrashTable | undefined;
  #bets!: CrashBets<Queryable>;

  protected load() { return loadCrashTable(this.deps.sql, this.deps.orm, this.name, HISTORY); }
  protected async open({ seeds, unsettled, next, recent }: Loaded) {
    if (seeds.length === 0) throw refuse('NOT_FOUND', `there is no crash table named ${this.name}`);
    const { deps, name } = this;
    const storage: TableStorage<Queryable> = { writer: this.writer, storeIn: (trx) => crashTableStore(deps.sql, trx, name), error: (fields, message) => deps.logger.error(fields, message) };
    // Only the chains the rounds at hand play are hashed (a slice at a time, once per process).
    const chains = await chainsFor(seeds, [...recent, ...unsettled.map((u) => u.roundId), next], (seed) => deps.chains.get(seed));
    const table = (this.#table = new CrashTable({
      clock: deps.clock,
      // On the room's clock: its timers end with the room.
      after: (ms, run) => this.clock.setTimeout(run, ms), every: (ms, run) => this.clock.setInterval(run, ms),
      chain: (seed) => deps.chains.get(seed), newSeed: deps.seeds, commit: phaseCommitter(name, storage),
      show: (change) => this.#show(change), owed: (userIds) => userIds.forEach((userId) => this.deliver(userId, 'payout')),
      giveUp: (why) => { deps.logger.error({ table: name, why }, 'giving the crash table up to the next room'); this.handOver(why); },
      warn: (fields, message) => deps.logger.warn({ table: name, ...fields }, message),
    }, { ...deps.crash, ...PHASE_STEPS, chainLength: CHAIN_LENGTH }, chains));
    this.#bets = new CrashBets(table, name, storage, { stake: (userId, call) => callPlayerRoom(userId, 'crashBet', call), limits: () => deps.economy.current().economy.crash.limits, show: (change) => this.#showBet(change) });
    this.state.table = name;
    for (const roundId of recent.reverse()) this.#remember(roundId);
    // Rounds a previous room left unsettled are settled first, exactly once, by the same rules.
    if (!(await table.settleLeftOver(unsettled))) throw refuse('UNAVAILABLE', 'an interrupted crash round could not be settled yet; try joining again shortly');
  }

  protected started({ next }: Loaded) { void this.#table!.start(next); }
  protected release() { this.#table?.stop(); super.release(); }
  protected reload() { return this.#bets.restore((roundId) => storedBets(this.deps.orm, this.name, roundId)); }

  protected decide(command: RoomCommand<typeof crashCommands>, { userId }: Identity, hash: string) {
    return command.type === CrashCommandType.bet ? this.#bets.bet(userId, command, hash) : this.#bets.cashOut(userId, command.id, hash);
  }

  #show(change: TableChange) {
    switch (change.phase) {
      case 'betting':
        this.state.bets.clear();
        return void Object.assign(this.state, { phase: 'betting', roundId: change.roundId, multiplier: 1, phaseAt: change.endsAt, seedHash: change.seedHash });
      case 'running':
        return void Object.assign(this.state, { phase: 'running', phaseAt: change.startedAt });
      case 'multiplier':
        return void (this.state.multiplier = change.multiplier);
      case 'crashed':
        Object.assign(this.state, { phase: 'crashed', multiplier: change.crashPoint, phaseAt: change.at });
        this.#remember(change.roundId);
        this.autoDispose = true; // Its bets are settled: a table nobody watches may go.
    }
  }

  #showBet({ kind, bet }: BetChange) {
    const entry = this.state.bets.get(bet.userId) ?? new CrashBetState();
    entry.assign({ amount: bet.amount, currency: betCurrency(bet), cashedOutAt: bet.cashedOutAt ?? 0, payout: bet.payout });
    if (!this.state.bets.has(bet.userId)) this.state.bets.set(bet.userId, entry);
    // A table with open bets stays alive with nobody watching: the bets are settled.
    if (kind === 'placed') this.autoDispose = false;
  }

  #remember(roundId: number) {
    // A round of a chain this room did not hash (too old to matter) is left out of the history.
    const proof = this.#table?.proof(roundId);
    if (!proof) return;
    this.state.history.push(new CrashHistoryState().assign({ roundId, ...proof }));
    while (this.state.history.length > HISTORY) this.state.history.shift();
  }
}

export const defineCrashRoom = (deps: CrashRoomDeps) => bindSharedRoom(CrashRoom, deps);
