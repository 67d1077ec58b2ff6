// The crash core's bet and cash-out protocol with fake ports: a writer that runs each step as the
// serial writer does (decide, prepare, the group's writes, apply), a store kept in memory, a player
// room's stake answered as told. No process, no database, no Colyseus.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newCrashRound, type CrashBet, type CrashRound } from '../../domain/crash.ts';
import type { BetLimits } from '../../../shared/economy.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Answer, RunMode, WriterPort, WriterStep } from '../writer.ts';
import { CrashBets, type BetChange, type BetTable, type StakeCall } from './bets.ts';
import { stakeIdOf } from './settlement.ts';
import { phaseCommitter, type TableStore } from './tableWrites.ts';

type Trx = { writes: string[] };

/** Runs a step as serialWriter.ts does, one command at a time; a DomainError becomes the nack. */
class FakeWriter implements WriterPort<Trx> {
  readonly committed: Trx[] = [];
  refuseCommit: string | undefined;

  async run<P>(_actor: string, id: string, _hash: string, decide: () => WriterStep<Trx, P>, mode: RunMode<Trx, P> = {}): Promise<Answer> {
    try {
      const step = decide();
      await step.prepare?.();
      if (this.refuseCommit) return { nack: { id, code: 'UNAVAILABLE', message: this.refuseCommit, retryable: true } };
      const trx: Trx = { writes: [] };
      await step.write?.(trx);
      if (step.part !== undefined && mode.writeAll) await mode.writeAll(trx, [step.part]);
      this.committed.push(trx);
      step.apply?.();
      return { ack: { id, result: step.result } };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { nack: { id, code: error.code, message: error.message, retryable: error.retryable, ...(error.reason ? { reason: error.reason } : {}) } };
    }
  }
}

function fakeStore(trx: Trx, saved: Array<{ roundId: number; bets: readonly CrashBet[] }>): TableStore {
  return {
    insertChain: async () => void trx.writes.push('chain'),
    insertRound: async (roundId) => void trx.writes.push(`round ${roundId}`),
    markRunning: async (roundId) => void trx.writes.push(`running ${roundId}`),
    settle: async (roundId) => (trx.writes.push(`settle ${roundId}`), { outcome: 'crashed', toHouse: {}, effects: [], handled: [], unstaked: ['mallory'] }),
    saveBets: async (roundId, bets) => void saved.push({ roundId, bets }),
  };
}

function setUp(round: CrashRound, stake: (call: StakeCall) => Answer, limits: Record<string, BetLimits> = { gold: { min: 1, max: 1_000_000 } }) {
  let current = round;
  const table: BetTable = {
    get round() {
      return current;
    },
    record: (next) => void (next.roundId === current.roundId && (current = next)),
    multiplierNow: () => (current.phase === 'running' ? 1.5 : 1),
  };
  const writer = new FakeWriter();
  const saved: Array<{ roundId: number; bets: readonly CrashBet[] }> = [];
  const shown: BetChange[] = [];
  const stakes: StakeCall[] = [];
  const errors: object[] = [];
  const storage = { writer, storeIn: (trx: Trx) => fakeStore(trx, saved), error: (fields: object) => void errors.push(fields) };
  const bets = new CrashBets(table, 'main', storage, {
    stake: async (_userId, call) => (stakes.push(call), stake(call)),
    limits: () => limits,
    show: (change) => void shown.push(change),
  });
  return { bets, table, writer, saved, shown, stakes, errors, storage, setRound: (r: CrashRound) => (current = r) };
}

const staked = (balance: number) => (call: StakeCall): Answer => ({ ack: { id: call.id, result: { roundId: call.roundId, amount: call.amount, currency: call.currency, balance } } });

describe('crash bets (core)', () => {
  test('a bet takes its stake first, is stored with its stake id, then recorded and shown', async () => {
    const t = setUp(newCrashRound(7, 2), staked(900));
    const answer = await t.bets.bet('ann', { id: 'b-1', amount: 100 }, 'h');
    assert.deepEqual(answer, { ack: { id: 'b-1', result: { roundId: 7, amount: 100, currency: 'gold', balance: 900 } } });
    assert.deepEqual(t.stakes, [{ table: 'main', roundId: 7, id: 'b-1', amount: 100, currency: 'gold' }], 'gold when the bet names no currency');
    const bet: CrashBet = { userId: 'ann', amount: 100, currency: 'gold', cashedOutAt: null, payout: 0, stakeId: stakeIdOf('main', 'b-1') };
    assert.deepEqual(t.saved, [{ roundId: 7, bets: [bet] }]);
    assert.deepEqual(t.table.round.bets, { ann: bet });
    assert.deepEqual(t.shown, [{ kind: 'placed', bet }]);
  });

  test("a stake the player's room refuses refuses the bet with its code and reason; nothing is stored or shown", async () => {
    const t = setUp(newCrashRound(7, 2), (call) => ({ nack: { id: call.id, code: 'INSUFFICIENT_FUNDS', message: 'amount of 100 is more than your balance of 5', retryable: false } }));
    const answer = await t.bets.bet('ann', { id: 'b-1', amount: 100 }, 'h');
    assert.ok('nack' in answer && answer.nack.code === 'INSUFFICIENT_FUNDS', JSON.stringify(answer));
    assert.deepEqual([t.saved, t.shown, t.table.round.bets], [[], [], {}]);
  });

  test("a stake taken for a round that is over (a bet sent again) is refused STAKE_ROUND_OVER", async () => {
    const t = setUp(newCrashRound(8, 2), (call) => ({ ack: { id: call.id, result: { roundId: 7, amount: call.amount, balance: 900 } } }));
    const answer = await t.bets.bet('ann', { id: 'b-1', amount: 100 }, 'h');
    assert.ok('nack' in answer && answer.nack.reason === 'STAKE_ROUND_OVER', JSON.stringify(answer));
    assert.deepEqual(t.saved, []);
  });

  test('a cash-out while running pays at the multiplier of its turn and is stored, recorded and shown', async () => {
    const t = setUp(newCrashRound(7, 2), staked(900));
    await t.bets.bet('ann', { id: 'b-1', amount: 101 }, 'h');
    t.setRound({ ...t.table.round, phase: 'running' });
    const answer = await t.bets.cashOut('ann', 'c-1', 'h2');
    assert.deepEqual(answer, { ack: { id: 'c-1', result: { roundId: 7, multiplier: 1.5, payout: 151, currency: 'gold' } } });
    assert.equal(t.saved[1]?.bets[0]?.cashedOutAt, 1.5);
    assert.equal(t.table.round.bets.ann?.payout, 151);
    assert.deepEqual(t.shown.map((c) => c.kind), ['placed', 'cashedOut']);
  });

  test("a bet outside the economy's crash limits is refused naming amount, with the limits, and takes no stake; without gold in them, naming currency", async () => {
    const t = setUp(newCrashRound(7, 2), staked(900), { gold: { min: 10, max: 500 } });
    for (const amount of [9, 501]) {
      const answer = await t.bets.bet('ann', { id: `b-${amount}`, amount }, 'h');
      assert.deepEqual('nack' in answer && [answer.nack.code, answer.nack.reason, answer.nack.message], ['INVALID_INPUT', 'BET_OUT_OF_LIMITS', `amount must be between 10 and 500 gold for crash, not ${amount}`]);
    }
    assert.deepEqual([t.stakes, t.saved, t.table.round.bets], [[], [], {}]);
    assert.ok('ack' in (await t.bets.bet('ann', { id: 'b-10', amount: 10 }, 'h')));
    const gemsOnly = setUp(newCrashRound(7, 2), staked(900), { gems: { min: 1, max: 5 } });
    const answer = await gemsOnly.bets.bet('ann', { id: 'b-1', amount: 3 }, 'h');
    assert.deepEqual('nack' in answer && [answer.nack.reason, answer.nack.message], ['CURRENCY_NOT_ACCEPTED', 'currency gold is not accepted by crash; it accepts gems']);
    assert.deepEqual(gemsOnly.stakes, []);
  });

  test("a bet in another currency is checked against that currency's limits, staked in it, recorded with it, and cashed out in it", async () => {
    const t = setUp(newCrashRound(7, 2), staked(40), { gold: { min: 1, max: 1_000 }, gems: { min: 2, max: 10 } });
    const over = await t.bets.bet('ann', { id: 'b-0', amount: 11, currency: 'gems' }, 'h');
    assert.deepEqual('nack' in over && [over.nack.reason, over.nack.message], ['BET_OUT_OF_LIMITS', 'amount must be between 2 and 10 gems for crash, not 11']);
    const silver = await t.bets.bet('ann', { id: 'b-s', amount: 5, currency: 'silver' }, 'h');
    assert.deepEqual('nack' in silver && [silver.nack.reason, silver.nack.message], ['CURRENCY_NOT_ACCEPTED', 'currency silver is not accepted by crash; it accepts gold, gems']);
    assert.deepEqual(t.stakes, []);
    const answer = await t.bets.bet('ann', { id: 'b-1', amount: 10, currency: 'gems' }, 'h');
    assert.deepEqual(answer, { ack: { id: 'b-1', result: { roundId: 7, amount: 10, currency: 'gems', balance: 40 } } });
    assert.deepEqual(t.stakes, [{ table: 'main', roundId: 7, id: 'b-1', amount: 10, currency: 'gems' }]);
    assert.equal(t.table.round.bets.ann?.currency, 'gems');
    t.setRound({ ...t.table.round, phase: 'running' });
    const out = await t.bets.cashOut('ann', 'c-1', 'h2');
    assert.deepEqual(out, { ack: { id: 'c-1', result: { roundId: 7, multiplier: 1.5, payout: 15, currency: 'gems' } } });
  });

  test('the limits are read when each bet is decided: a new version applies to the next bet', async () => {
    let limits: Record<string, BetLimits> = { gold: { min: 1, max: 100 } };
    const t = setUp(newCrashRound(7, 2), staked(900));
    const bets = new CrashBets(t.table, 'main', t.storage, { stake: async (_u, call) => staked(900)(call), limits: () => limits, show: () => undefined });
    assert.ok('ack' in (await bets.bet('ann', { id: 'b-1', amount: 100 }, 'h')));
    limits = { gold: { min: 1, max: 50 } };
    const answer = await bets.bet('bob', { id: 'b-2', amount: 100 }, 'h');
    assert.ok('nack' in answer && answer.nack.reason === 'BET_OUT_OF_LIMITS');
  });

  test('a bet outside the betting phase, or a cash-out without a bet, is refused and takes no stake', async () => {
    const t = setUp({ ...newCrashRound(7, 2), phase: 'running' }, staked(900));
    const bet = await t.bets.bet('ann', { id: 'b-1', amount: 100 }, 'h');
    const cash = await t.bets.cashOut('bob', 'c-1', 'h');
    assert.deepEqual(['nack' in bet && bet.nack.reason, 'nack' in cash && cash.nack.reason], ['ROUND_CLOSED', 'NO_BET']);
    assert.deepEqual(t.stakes, []);
  });

  test("restore: the round's stored bets back in memory and on show; a round that moved on meanwhile is left alone", async () => {
    const t = setUp(newCrashRound(7, 2), staked(900));
    const bet: CrashBet = { userId: 'ann', amount: 100, cashedOutAt: null, payout: 0, stakeId: 's' };
    await t.bets.restore(async (roundId) => (roundId === 7 ? { ann: bet } : undefined));
    assert.deepEqual([t.table.round.bets, t.shown], [{ ann: bet }, [{ kind: 'restored', bet }]]);
    await t.bets.restore(async () => (t.setRound(newCrashRound(8, 2)), { ann: bet }));
    assert.deepEqual([t.table.round.bets, t.shown.length], [{}, 1]);
  });
});

describe('crash phase commits (core)', () => {
  test('a phase is stored through the store port as the writer commits it; an unstaked bet is reported', async () => {
    const t = setUp(newCrashRound(7, 2), staked(0));
    const commit = phaseCommitter('main', t.storage);
    let applied: unknown;
    assert.deepEqual(await commit('r7-betting', [], { kind: 'open', roundId: 7, commitment: 'c', chain: { firstRound: 7, seed: 's', length: 4 } }, () => void 0), { stored: true });
    assert.deepEqual(await commit('r7-settled', [], { kind: 'settle', roundId: 7 }, (settled) => (applied = settled)), { stored: true });
    assert.deepEqual(t.writer.committed.map((trx) => trx.writes), [['chain', 'round 7'], ['settle 7']]);
    assert.equal((applied as { outcome: string }).outcome, 'crashed');
    assert.deepEqual(t.errors, [{ table: 'main', roundId: 7, users: ['mallory'] }]);
  });

  test('a refused commit is retryable with its reason; an ack from a stored reply is a phase taken over', async () => {
    const t = setUp(newCrashRound(7, 2), staked(0));
    t.writer.refuseCommit = 'storage is down';
    const commit = phaseCommitter('main', t.storage);
    assert.deepEqual(await commit('r7-running', [], { kind: 'run', roundId: 7 }, () => void 0), { stored: false, takenOver: false, retryable: true, why: 'storage is down' });
    const stored: WriterPort<Trx> = { run: async (_a, id) => ({ ack: { id, result: { roundId: 7 } } }) };
    assert.deepEqual(await phaseCommitter('main', { ...t.storage, writer: stored })('r7-running', [], { kind: 'run', roundId: 7 }, () => void 0), { stored: false, takenOver: true });
  });
});
