// A crash table's phase machine, transport-free: rounds go betting -> running ->
// crashed -> (pause) -> the next round's betting. Each phase change is stored through a port
// (in the Colyseus adapter: the table's fenced serial writer, in order with bets and cash-outs)
// before memory changes; storage is described as data (TableWrite), time comes from an injected
// clock and timers. A phase storage keeps refusing is retried a bounded number of times, then the
// table is given up: whoever loads it next settles what is open by the same rules
// (settlement.ts). A phase another room already stored means this table is not this room's any
// more: it is given up at once.
import { msUntil, multiplierAt } from '../../../shared/crash.ts';
import { EventType, type CrashRound as CrashRoundEvent } from '../../../shared/events.ts';
import type { Clock } from '../../domain/clock.ts';
import { newCrashRound, type CrashRound } from '../../domain/crash.ts';
import type { DomainEvent } from '../../domain/player.ts';
import { chainOf, roundProof, type Chain, type ChainSeed, type RoundProof } from './chains.ts';
import type { Settlement } from './settlement.ts';

/** What a phase change stores, beside its event and the table's stored reply. */
export type TableWrite =
  | { kind: 'open'; roundId: number; commitment: string; chain?: ChainSeed }
  | { kind: 'run'; roundId: number }
  | { kind: 'settle'; roundId: number };

export type PhaseOutcome =
  | { stored: true }
  /** Another room of this table stored this phase already. */
  | { stored: false; takenOver: true }
  | { stored: false; takenOver: false; retryable: boolean; why: string };

export type Timer = { clear(): void };

/** What the table shows its players as it changes (the adapter's state and clients). */
export type TableChange =
  | { phase: 'betting'; roundId: number; endsAt: number; seedHash: string }
  | { phase: 'running'; roundId: number; startedAt: number }
  | { phase: 'multiplier'; multiplier: number }
  | { phase: 'crashed'; roundId: number; crashPoint: number; at: number };

export type TablePorts = {
  clock: Clock;
  after(ms: number, run: () => void): Timer;
  every(ms: number, run: () => void): Timer;
  /** Hashes a chain (a slice at a time; ChainCache). */
  chain(seed: ChainSeed): Promise<Chain>;
  newSeed(): string;
  /** Stores one phase change; `apply` runs after the commit, with the settlement when it settled. */
  commit(id: string, events: DomainEvent[], write: TableWrite, apply: (settled: Settlement | undefined) => void): Promise<PhaseOutcome>;
  show(change: TableChange): void;
  /** After a settlement's commit: these players are owed effects. */
  owed(userIds: string[]): void;
  /** The table cannot go on in this room (taken over, storage refusing): stop serving it. */
  giveUp(why: string): void;
  warn(fields: object, message: string): void;
};

/** A phase storage refuses is tried again a second later, ten times, before the table is given up; the multiplier is shown every 100 ms. */
export const PHASE_STEPS = { retryMs: 1000, attempts: 10, tickMs: 100 };

export type TableTiming = { bettingMs: number; pauseMs: number; growthPerSecond: number; retryMs: number; attempts: number; chainLength: number; tickMs: number };

export class CrashTable {
  readonly #ports: TablePorts;
  readonly #timing: TableTiming;
  #chains: Chain[];
  #round: CrashRound = newCrashRound(0, 1);
  #runningAt = 0;
  #timer: Timer | undefined;
  #ticker: Timer | undefined;
  #stopped = false;

  constructor(ports: TablePorts, timing: TableTiming, chains: Chain[]) {
    this.#ports = ports;
    this.#timing = timing;
    this.#chains = chains;
  }

  /** The round in play (bets and cash-outs are decided on it by the pure rules, domain/crash.ts). */
  get round(): CrashRound {
    return this.#round;
  }

  /** A bet or cash-out stored: the round as it now stands. */
  record(round: CrashRound): void {
    if (round.roundId === this.#round.roundId) this.#round = round;
  }

  /** The multiplier a cash-out gets now (1 outside the running phase, where cashOut refuses). */
  multiplierNow(): number {
    return this.#round.phase === 'running' ? multiplierAt(this.#ports.clock.now() - this.#runningAt, this.#timing.growthPerSecond) : 1;
  }

  proof(roundId: number): RoundProof | undefined {
    return chainOf(this.#chains, roundId) ? roundProof(this.#chains, roundId) : undefined;
  }

  /** Nothing more starts, ticks or retries. */
  stop(): void {
    this.#stopped = true;
    this.#timer?.clear();
    this.#ticker?.clear();
  }

  /** Rounds a previous room left open, settled by the same rules, one attempt each. */
  async settleLeftOver(rounds: ReadonlyArray<{ roundId: number; ran: boolean }>): Promise<boolean> {
    for (const r of rounds) if (!(await this.#settle(r.roundId, true, r.ran, true))) return false;
    return true;
  }

  async start(roundId: number): Promise<void> {
    let chain = chainOf(this.#chains, roundId);
    let fresh: Chain | undefined;
    if (!chain) {
      // The chain ran out: a new one, hashed before the commit that stores it with this round.
      fresh = await this.#ports.chain({ firstRound: roundId, seed: this.#ports.newSeed(), length: this.#timing.chainLength });
      chain = fresh;
    }
    const proof = roundProof([chain], roundId);
    const endsAt = this.#ports.clock.now() + this.#timing.bettingMs;
    const write: TableWrite = { kind: 'open', roundId, commitment: proof.commitment, ...(fresh ? { chain: { firstRound: fresh.firstRound, seed: fresh.seed, length: fresh.length } } : {}) };
    await this.#phase(`r${roundId}-betting`, [{ type: EventType.crashRound, data: { phase: 'betting', roundId, seedHash: proof.commitment, endsAt } }], write, () => {
      if (fresh) this.#chains = [...this.#chains.filter((c) => c.firstRound !== fresh.firstRound), fresh];
      this.#round = newCrashRound(roundId, proof.crashPoint);
      this.#ports.show({ phase: 'betting', roundId, endsAt, seedHash: proof.commitment });
      this.#timer = this.#ports.after(this.#timing.bettingMs, () => void this.#run());
    });
  }

  async #run(): Promise<void> {
    const roundId = this.#round.roundId;
    // Stored with the phase: from here on the round is played whoever settles it.
    await this.#phase(`r${roundId}-running`, [{ type: EventType.crashRound, data: { phase: 'running', roundId } }], { kind: 'run', roundId }, () => {
      this.#runningAt = this.#ports.clock.now();
      this.#round = { ...this.#round, phase: 'running' };
      this.#ports.show({ phase: 'running', roundId, startedAt: this.#runningAt });
      this.#ticker = this.#ports.every(this.#timing.tickMs, () => this.#ports.show({ phase: 'multiplier', multiplier: this.multiplierNow() }));
      this.#timer = this.#ports.after(msUntil(this.#round.crashPoint, this.#timing.growthPerSecond), () => void this.#crash());
    });
  }

  async #crash(): Promise<void> {
    this.#ticker?.clear();
    const roundId = this.#round.roundId;
    // Settled at its turn in the writer, after every cash-out decided before the crash.
    if (await this.#settle(roundId, false, true)) this.#timer = this.#ports.after(this.#timing.pauseMs, () => void this.start(roundId + 1));
  }

  /** `ran` only decides what the event says; the settlement reads the stored round itself. */
  #settle(roundId: number, interrupted: boolean, ran: boolean, once = false): Promise<boolean> {
    const proof = roundProof(this.#chains, roundId);
    const event: CrashRoundEvent = { phase: 'crashed', roundId, crashPoint: proof.crashPoint, hash: proof.hash, commitment: proof.commitment, interrupted, voided: !ran };
    return this.#phase(
      `r${roundId}-settled`,
      [{ type: EventType.crashRound, data: event }],
      { kind: 'settle', roundId },
      (settled) => {
        if (this.#round.roundId === roundId) this.#round = { ...this.#round, phase: 'crashed' };
        this.#ports.show({ phase: 'crashed', roundId, crashPoint: proof.crashPoint, at: this.#ports.clock.now() });
        this.#ports.owed([...new Set(settled?.effects.map((e) => e.userId) ?? [])]);
      },
      once,
    );
  }

  /**
   * Stores a phase change, retried while storage refuses it (retryably) up to `attempts` times;
   * true once stored by this table. `once` makes one attempt and gives nothing up (a loading
   * table refuses its join instead).
   */
  async #phase(id: string, events: DomainEvent[], write: TableWrite, apply: (settled: Settlement | undefined) => void, once = false): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (this.#stopped) return false;
      const outcome = await this.#ports.commit(id, events, write, apply);
      if (outcome.stored) return true;
      if (outcome.takenOver) {
        // Stored already by a newer room (or storage lost the answer to this one's commit):
        // carrying on would leave this room, and its clients, frozen on a table it lost.
        if (!once) this.#giveUp(`${id} was already stored by another room`);
        return false;
      }
      if (once) return false;
      if (!outcome.retryable || attempt >= this.#timing.attempts || this.#stopped) {
        // A room that cannot move its round on serves nobody: it used to stay, clientless,
        // retrying for ever and holding up shutdown.
        this.#giveUp(`${id} could not be stored after ${attempt} attempt(s): ${outcome.why}`);
        return false;
      }
      this.#ports.warn({ id, attempt, why: outcome.why }, 'crash round phase not stored; retrying');
      // A stopped table's timers never fire: the loop ends with the table.
      await new Promise<void>((resolve) => (this.#timer = this.#ports.after(this.#timing.retryMs, resolve)));
    }
  }

  #giveUp(why: string): void {
    this.stop();
    this.#ports.giveUp(why);
  }
}
