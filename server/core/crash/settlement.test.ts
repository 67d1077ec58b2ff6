// The settlement rules without a process or a database: examples, then a seeded property test
// over random interleavings of stakes, bets, cash-outs, crashes, reloads (a successor settling)
// and sweeps, checking the money after each: Σ stakes = Σ refunds + Σ played stakes, the house
// take = played stakes - payouts, escrow ends empty, each acked cash-out paid once for its acked
// amount, each acked bet of a round that ran played (never refunded), each stake refunded at most
// once. This is the function production settles with (server/store/crashSettlement.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CrashBet } from '../../domain/crash.ts';
import type { Effect } from '../../domain/effects.ts';
import { lateStakeRefunds, refundKey, settleRound, stakeIdOf, type Stake, type StoredRound } from './settlement.ts';
import { seededRandom } from '../../../tests/support/seededRandom.ts';

const bet = (userId: string, amount: number, betId: string, cashedOutAt: number | null = null): CrashBet => ({
  userId,
  amount,
  cashedOutAt,
  payout: cashedOutAt === null ? 0 : Math.floor((amount * Math.round(cashedOutAt * 100)) / 100),
  stakeId: stakeIdOf('t', betId),
});
const stake = (userId: string, amount: number, betId: string, currency = 'gold'): Stake => ({ userId, amount, currency, stakeId: stakeIdOf('t', betId) });

describe('settleRound', () => {
  test('each stake is played, paid and refunded in its own currency; the house takes per currency', () => {
    const round: StoredRound = { table: 't', roundId: 5, ran: true, bets: { ann: bet('ann', 100, 'a1', 2), bob: bet('bob', 40, 'b1'), cy: bet('cy', 10, 'c1') } };
    const settled = settleRound(round, [stake('ann', 100, 'a1', 'gems'), stake('bob', 40, 'b1'), stake('cy', 10, 'c1', 'gems'), stake('cy', 3, 'c0', 'gems')]);
    assert.deepEqual(settled.toHouse, { gems: 110, gold: 40 });
    assert.deepEqual(
      settled.effects.map((e) => [e.userId, e.fromAccount, e.currency, e.amount, e.reason]),
      [['ann', 'house', 'gems', 200, 'crash.payout'], ['cy', 'escrow', 'gems', 3, 'crash.refund']],
    );
  });

  test('a round that ran: stakes to the house, cash-outs paid from it, unrecorded stakes refunded', () => {
    const round: StoredRound = { table: 't', roundId: 3, ran: true, bets: { ann: bet('ann', 100, 'a1', 1.15), bob: bet('bob', 40, 'b1') } };
    const settled = settleRound(round, [stake('ann', 100, 'a1'), stake('bob', 40, 'b1'), stake('bob', 7, 'b0')]);
    assert.equal(settled.outcome, 'crashed');
    assert.deepEqual(settled.toHouse, { gold: 140 });
    assert.deepEqual(
      settled.effects.map((e) => [e.key, e.userId, e.fromAccount, e.amount, e.reason]),
      [
        ['crash:t:3:ann', 'ann', 'house', 115, 'crash.payout'],
        [refundKey('t', 3, { userId: 'bob', stakeId: stakeIdOf('t', 'b0') }), 'bob', 'escrow', 7, 'crash.refund'],
      ],
    );
    assert.deepEqual(settled.handled.sort(), [stakeIdOf('t', 'a1'), stakeIdOf('t', 'b0'), stakeIdOf('t', 'b1')].sort());
  });

  test('only a round that never ran is void: every stake comes back, cash-outs or not', () => {
    const round: StoredRound = { table: 't', roundId: 3, ran: false, bets: { ann: bet('ann', 100, 'a1') } };
    const settled = settleRound(round, [stake('ann', 100, 'a1'), stake('cy', 5, 'c1')]);
    assert.equal(settled.outcome, 'void');
    assert.deepEqual(settled.toHouse, {});
    assert.deepEqual(settled.effects.map((e) => [e.userId, e.amount, e.reason]), [['ann', 100, 'crash.refund'], ['cy', 5, 'crash.refund']]);
  });

  test('a bet stored before bets carried their stake id is matched by player and amount', () => {
    const old: CrashBet = { userId: 'ann', amount: 50, cashedOutAt: null, payout: 0 };
    const settled = settleRound({ table: 't', roundId: 1, ran: true, bets: { ann: old } }, [{ userId: 'ann', amount: 7, currency: 'gold', stakeId: 'x' }, { userId: 'ann', amount: 50, currency: 'gold', stakeId: 'y' }]);
    assert.deepEqual(settled.toHouse, { gold: 50 });
    assert.deepEqual(settled.effects.map((e) => [e.key, e.amount]), [['refund:crash:t:1:ann:x', 7]]);
  });

  test('a recorded bet without its stake is reported, neither paid nor taken', () => {
    const settled = settleRound({ table: 't', roundId: 1, ran: true, bets: { ann: bet('ann', 10, 'a1', 2) } }, []);
    assert.deepEqual([settled.toHouse, settled.effects, settled.unstaked], [{}, [], ['ann']]);
  });

  test('a late stake is refunded by the sweep under the same key a settlement would use', () => {
    const handled = [stakeIdOf('t', 'a1')];
    const refunds = lateStakeRefunds('t', 4, handled, [stake('ann', 10, 'a1'), stake('bob', 3, 'b1')]);
    assert.deepEqual(refunds.map((e) => [e.key, e.userId, e.amount, e.ref]), [[refundKey('t', 4, { userId: 'bob', stakeId: stakeIdOf('t', 'b1') }), 'bob', 3, 'crash:t:4']]);
  });

  test('refund keys are distinct per stake: one command id used again in a later round, or by another player, gets a refund of its own', () => {
    const first = settleRound({ table: 't', roundId: 4, ran: false, bets: { ann: bet('ann', 10, 'same-id') } }, [stake('ann', 10, 'same-id')]);
    // The id's stored reply was pruned; the player used it again for a round a day later.
    const again = settleRound({ table: 't', roundId: 20_000, ran: false, bets: { ann: bet('ann', 30, 'same-id') } }, [stake('ann', 30, 'same-id')]);
    // Another player picked the same id in the same round (command ids are each player's own).
    const shared = settleRound({ table: 't', roundId: 5, ran: false, bets: { ann: bet('ann', 10, 'same-id'), bob: bet('bob', 3, 'same-id') } }, [stake('ann', 10, 'same-id'), stake('bob', 3, 'same-id')]);
    const late = lateStakeRefunds('t', 4, [], [stake('ann', 10, 'same-id')]);
    const keys = [...first.effects, ...again.effects, ...shared.effects].map((e) => e.key);
    assert.equal(new Set(keys).size, 4, `four stakes, four keys: ${keys.join(', ')}`);
    assert.deepEqual(late.map((e) => e.key), [first.effects[0]!.key], 'the late-stake sweep computes the same key as the settlement for the same stake');
    assert.deepEqual(shared.effects.map((e) => [e.userId, e.amount]), [['ann', 10], ['bob', 3]], "each bet is matched to its own player's stake");
    // A refund stored under the key of an earlier version is recognised by it (effectsStore.ts).
    assert.deepEqual(late.map((e) => e.legacyKey), [`refund:${stakeIdOf('t', 'same-id')}`]);
  });
});

type Step = { at: number; run: () => void };

/**
 * One round on a simulated table and ledger. Players stake (the stake always commits first, in
 * their own room), then the table records the bet (acked) or its commit fails (the stake is
 * orphaned), or the stake only lands after the round was settled. The round may die before
 * running; when it runs, acked bets may cash out below the crash point. Settlements are tried by
 * the room that ran the round and by successors after reloads; sweeps run at random moments.
 */
function simulate(seed: number) {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const crashPoint = 1 + pick(500) / 100;
  const balances = new Map<string, number>([['escrow', 0], ['house', 0]]);
  const move = (from: string, to: string, gold: number) => {
    balances.set(from, (balances.get(from) ?? 0) - gold);
    balances.set(to, (balances.get(to) ?? 0) + gold);
  };
  const stored: StoredRound & { settled: boolean; handled: string[] } = { table: 't', roundId: 9, ran: false, bets: {}, settled: false, handled: [] };
  const escrowed: Stake[] = [];
  const effects = new Map<string, Effect>();
  const insertedTwice: string[] = [];
  const applied = new Set<string>();
  const ackedBets: Stake[] = [];
  const ackedCashouts = new Map<string, number>();
  let toHouse = 0;
  const results: string[] = [];

  const owe = (list: Effect[]) => {
    for (const e of list) {
      if (effects.has(e.key)) {
        // Keys are primary keys: a second insert changes nothing (insertEffectsOnce).
        if (JSON.stringify(effects.get(e.key)) !== JSON.stringify(e)) insertedTwice.push(e.key);
        continue;
      }
      effects.set(e.key, e);
    }
  };
  const settle = () => {
    if (stored.settled) return;
    const s = settleRound(stored, escrowed);
    results.push(JSON.stringify(s));
    // The same stored facts give the same settlement, whoever computes it.
    assert.equal(JSON.stringify(settleRound(structuredClone(stored), [...escrowed])), JSON.stringify(s));
    move('escrow', 'house', s.toHouse.gold ?? 0);
    toHouse += s.toHouse.gold ?? 0;
    owe(s.effects);
    stored.settled = true;
    stored.handled = s.handled;
  };
  const sweep = () => {
    if (stored.settled) owe(lateStakeRefunds(stored.table, stored.roundId, stored.handled, escrowed));
  };
  const applyEffects = () => {
    for (const [key, e] of effects) {
      if (applied.has(key)) continue;
      applied.add(key);
      move(e.fromAccount, e.userId, e.amount);
    }
  };

  const players = ['ann', 'bob', 'cy', 'dee', 'eve'].slice(0, 1 + pick(5));
  for (const p of players) balances.set(p, 1000);
  const initial = [...balances.values()].reduce((a, b) => a + b, 0);
  const steps: Step[] = [];
  // Betting happens in [0, 100); running starts at 100; the crash at 200; then settlement.
  const dies = random() < 0.3;
  let betN = 0;
  for (const p of players) {
    const kind = pick(5);
    const amount = 1 + pick(200);
    const id = `b${betN++}`;
    const s: Stake = { userId: p, amount, currency: 'gold', stakeId: stakeIdOf('t', id) };
    const commitStake = () => {
      move(p, 'escrow', amount);
      escrowed.push(s);
    };
    const at = pick(100);
    if (kind === 0) {
      // The table's commit failed after the stake: an orphan stake.
      steps.push({ at, run: commitStake });
    } else if (kind === 1) {
      // The stake lands after the round was settled (a slow owner room).
      steps.push({ at: 400 + pick(100), run: commitStake });
    } else {
      if (kind === 2) {
        // An earlier bet of this round whose table commit failed, then a new one.
        const orphan: Stake = { userId: p, amount: 1 + pick(20), currency: 'gold', stakeId: stakeIdOf('t', `${id}-lost`) };
        steps.push({ at, run: () => (move(p, 'escrow', orphan.amount), escrowed.push(orphan)) });
      }
      steps.push({
        at: at + 0.5,
        run: () => {
          if (stored.ran || stored.settled) return;
          commitStake();
          stored.bets[p] = { userId: p, amount, cashedOutAt: null, payout: 0, stakeId: s.stakeId };
          ackedBets.push(s);
        },
      });
      if (random() < 0.5) {
        const m = 1 + pick(Math.max(1, Math.round(crashPoint * 100) - 100)) / 100;
        steps.push({
          at: 100 + pick(100),
          run: () => {
            const b = stored.bets[p];
            if (!stored.ran || stored.settled || !b || b.cashedOutAt !== null || m >= crashPoint) return;
            const payout = Math.floor((b.amount * Math.round(m * 100)) / 100);
            stored.bets[p] = { ...b, cashedOutAt: m, payout };
            ackedCashouts.set(p, payout);
          },
        });
      }
    }
  }
  if (!dies) steps.push({ at: 100, run: () => (stored.ran = true) });
  // The room that ran it settles at the crash, or a successor after the process died; successors
  // after reloads try again (and find it settled); sweeps come whenever.
  steps.push({ at: dies ? 100 + pick(300) : 200, run: settle });
  for (let i = pick(4); i > 0; i--) steps.push({ at: 200 + pick(300), run: settle });
  for (let i = pick(6); i > 0; i--) steps.push({ at: pick(600), run: sweep });
  for (let i = pick(3); i > 0; i--) steps.push({ at: pick(600), run: applyEffects });
  steps.sort((a, b) => a.at - b.at);
  for (const step of steps) step.run();
  // In the end: a last sweep after every late stake landed, every owed effect applied.
  sweep();
  applyEffects();

  const refunds = [...effects.values()].filter((e) => e.reason === 'crash.refund');
  const payouts = [...effects.values()].filter((e) => e.reason === 'crash.payout');
  const staked = escrowed.reduce((a, s) => a + s.amount, 0);
  const refunded = refunds.reduce((a, e) => a + e.amount, 0);
  const paid = payouts.reduce((a, e) => a + e.amount, 0);
  const houseTake = toHouse - paid;
  const where = `seed ${seed}`;
  assert.deepEqual(insertedTwice, [], `${where}: one key, one effect`);
  assert.equal(staked, refunded + paid + houseTake, `${where}: Σ stakes = Σ refunds + Σ payouts + house take`);
  assert.equal(balances.get('escrow'), 0, `${where}: escrow ends empty`);
  assert.equal(balances.get('house'), houseTake, `${where}: the house holds its take`);
  assert.equal([...balances.values()].reduce((a, b) => a + b, 0), initial, `${where}: no coin made or lost`);
  assert.equal(results.length, 1, `${where}: settled once`);
  for (const s of escrowed) assert.ok(refunds.filter((e) => e.key === refundKey('t', 9, s)).length <= 1, `${where}: ${s.stakeId} refunded at most once`);
  for (const s of ackedBets) {
    const refundedBet = refunds.some((e) => e.key === refundKey('t', 9, s));
    assert.equal(refundedBet, !stored.ran, `${where}: acked bet ${s.stakeId} ${stored.ran ? 'played' : 'refunded (the round never ran)'}`);
  }
  for (const [userId, payout] of ackedCashouts) {
    assert.deepEqual(payouts.filter((e) => e.userId === userId).map((e) => e.amount), [payout], `${where}: the cash-out of ${userId} paid once, as acked`);
  }
  return { ran: stored.ran, late: escrowed.length - stored.handled.length, cashouts: ackedCashouts.size };
}

describe('settlement under random interleavings (seeded)', () => {
  test('2,000 rounds: the money adds up whoever settles and whenever the sweep runs', () => {
    let ran = 0;
    let late = 0;
    let cashouts = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = simulate(seed);
      ran += r.ran ? 1 : 0;
      late += r.late;
      cashouts += r.cashouts;
    }
    // The interleavings must cover what the rules are about, not just the happy path.
    assert.ok(ran > 1000 && ran < 1800, `${ran} of 2000 rounds ran`);
    assert.ok(late > 200, `${late} stakes landed after their round was settled`);
    assert.ok(cashouts > 500, `${cashouts} cash-outs`);
  });
});
