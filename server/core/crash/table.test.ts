// The crash table's phase machine with fake ports: a manual clock and timers, and a commit that
// stores into memory (settling with the real settlement rules) or refuses as told. No process,
// no database, no Colyseus.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crashPoint, msUntil, roundHash } from '../../../shared/crash.ts';
import { buildChain, type Chain } from './chains.ts';
import { settleRound, type Settlement } from './settlement.ts';
import { CrashTable, type PhaseOutcome, type TableChange, type TablePorts, type TableWrite } from './table.ts';

const TIMING = { bettingMs: 1000, pauseMs: 200, growthPerSecond: 1, retryMs: 500, attempts: 3, chainLength: 4, tickMs: 100 };

/** Timers on a manual clock: `advance` fires what falls due, in order. */
class FakeTime {
  now = 0;
  #timers: Array<{ at: number; every?: number; run: () => void; cleared: boolean }> = [];
  after = (ms: number, run: () => void) => this.#add(ms, run);
  every = (ms: number, run: () => void) => this.#add(ms, run, ms);
  #add(ms: number, run: () => void, every?: number) {
    const timer = { at: this.now + ms, every, run, cleared: false };
    this.#timers.push(timer);
    return { clear: () => (timer.cleared = true) };
  }
  async advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => !t.cleared && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.now = due.at;
      if (due.every) due.at += due.every;
      else due.cleared = true;
      due.run();
      // Let the commit promises the timer started settle before the next timer fires.
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.now = until;
  }
}

type Scripted = 'store' | 'refuse' | 'refuse-for-good' | 'taken';

function harness(chains: Chain[], script: (id: string) => Scripted = () => 'store') {
  const time = new FakeTime();
  const writes: TableWrite[] = [];
  const shown: TableChange[] = [];
  const gaveUp: string[] = [];
  const owed: string[][] = [];
  const attempts = new Map<string, number>();
  const ran = new Set<number>();
  const ports: TablePorts = {
    clock: { now: () => time.now },
    after: time.after,
    every: time.every,
    chain: (seed) => buildChain(seed),
    newSeed: () => 'f'.repeat(64),
    async commit(id: string, _events, write, apply): Promise<PhaseOutcome> {
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      const verdict = script(id);
      if (verdict === 'taken') return { stored: false, takenOver: true };
      if (verdict === 'refuse') return { stored: false, takenOver: false, retryable: true, why: 'storage away' };
      if (verdict === 'refuse-for-good') return { stored: false, takenOver: false, retryable: false, why: 'a constraint' };
      writes.push(write);
      let settled: Settlement | undefined;
      if (write.kind === 'run') ran.add(write.roundId);
      if (write.kind === 'settle') settled = settleRound({ table: 't', roundId: write.roundId, ran: ran.has(write.roundId), bets: table.round.bets }, []);
      apply(settled);
      return { stored: true };
    },
    show: (change) => shown.push(change),
    owed: (userIds) => owed.push(userIds),
    giveUp: (why) => gaveUp.push(why),
    warn: () => undefined,
  };
  const table = new CrashTable(ports, TIMING, chains);
  return { time, writes, shown, gaveUp, owed, attempts, table };
}

async function chain(length = 4): Promise<Chain> {
  return buildChain({ firstRound: 0, seed: 'a'.repeat(64), length });
}

describe('CrashTable', () => {
  test('a round: betting for bettingMs, running until the committed crash point, settled, then the next round after the pause', async () => {
    const c = await chain();
    const h = harness([c]);
    await h.table.start(0);
    assert.deepEqual(h.writes, [{ kind: 'open', roundId: 0, commitment: c.hashes[4] }]);
    assert.equal(h.table.round.phase, 'betting');
    await h.time.advance(TIMING.bettingMs);
    assert.equal(h.table.round.phase, 'running');
    const point = crashPoint(roundHash(c.hashes, 0));
    await h.time.advance(msUntil(point, TIMING.growthPerSecond) - 1);
    assert.equal(h.table.round.phase, 'running', 'not before its crash point');
    assert.ok(h.table.multiplierNow() < point);
    await h.time.advance(1);
    assert.deepEqual(h.writes.map((w) => `${w.kind} ${w.roundId}`), ['open 0', 'run 0', 'settle 0']);
    assert.equal(h.shown.find((s) => s.phase === 'crashed' && s.roundId === 0)?.phase, 'crashed');
    await h.time.advance(TIMING.pauseMs);
    assert.equal(h.table.round.roundId, 1);
    assert.deepEqual(h.gaveUp, []);
  });

  test('a phase storage refuses is retried, then the table is given up; no next round starts', async () => {
    const h = harness([await chain()], (id) => (id === 'r0-running' ? 'refuse' : 'store'));
    await h.table.start(0);
    await h.time.advance(TIMING.bettingMs + TIMING.retryMs * 10);
    assert.equal(h.attempts.get('r0-running'), TIMING.attempts);
    assert.equal(h.gaveUp.length, 1);
    assert.match(h.gaveUp[0], /r0-running could not be stored after 3 attempt/);
    await h.time.advance(60_000);
    assert.deepEqual(h.writes.map((w) => w.kind), ['open'], 'nothing after giving up');
  });

  test('refused for good (not retryable): given up at once; already stored by another room: given up at once', async () => {
    for (const verdict of ['refuse-for-good', 'taken'] as const) {
      const h = harness([await chain()], (id) => (id === 'r0-running' ? verdict : 'store'));
      await h.table.start(0);
      await h.time.advance(TIMING.bettingMs + 5_000);
      assert.equal(h.attempts.get('r0-running'), 1, verdict);
      assert.equal(h.gaveUp.length, 1, verdict);
    }
  });

  test('a stopped table starts, ticks and retries nothing more', async () => {
    const h = harness([await chain()], (id) => (id === 'r0-running' ? 'refuse' : 'store'));
    await h.table.start(0);
    await h.time.advance(TIMING.bettingMs);
    h.table.stop();
    await h.time.advance(60_000);
    assert.equal(h.attempts.get('r0-running'), 1);
    assert.deepEqual(h.gaveUp, []);
  });

  test('when the chain runs out the next round commits a new chain with its opening and plays it', async () => {
    const h = harness([await chain(2)]);
    await h.table.start(2);
    const [open] = h.writes;
    assert.equal(open.kind, 'open');
    assert.deepEqual(open.kind === 'open' && open.chain, { firstRound: 2, seed: 'f'.repeat(64), length: TIMING.chainLength });
    const fresh = await buildChain({ firstRound: 2, seed: 'f'.repeat(64), length: TIMING.chainLength });
    assert.equal(open.kind === 'open' && open.commitment, fresh.hashes[TIMING.chainLength]);
    assert.equal(h.table.round.crashPoint, crashPoint(roundHash(fresh.hashes, 0)));
  });

  test('rounds a previous room left open are settled first, once each; a refusal stops the load', async () => {
    const ok = harness([await chain()]);
    assert.equal(await ok.table.settleLeftOver([{ roundId: 0, ran: true }, { roundId: 1, ran: false }]), true);
    assert.deepEqual(ok.writes.map((w) => `${w.kind} ${w.roundId}`), ['settle 0', 'settle 1']);
    const refused = harness([await chain()], () => 'refuse');
    assert.equal(await refused.table.settleLeftOver([{ roundId: 0, ran: true }]), false);
    assert.equal(refused.attempts.get('r0-settled'), 1, 'one attempt: the join is refused instead');
    assert.deepEqual(refused.gaveUp, []);
  });
});
