// The crash table over WebSockets, on a table whose hash chain the test seeded itself so it knows
// every crash point: bets debited first (refused without funds), cash-outs before and after the
// crash, settlement paid once through the players' own rooms, escrow back to zero, history that
// verifies, a cash-out still committing when the round crashes paid all the same, and a round
// interrupted by the server going away settled exactly once on reload, a stake landing after its
// round's settlement refunded by the sweep, a table whose chain runs out going on with a new one,
// and an acked bet whose commit answer was lost played, not refunded.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { crashPoint, msUntil, roundHash, verifyCrashRound } from '../shared/crash.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, refusalOf, signInGuest, type PlayerConnection } from './support/client.ts';
import { pgClient } from './support/db.ts';
import { serverFixture } from './support/fixture.ts';
import { bookTransfer, fundNewPlayer, queryRows } from './support/ledger.ts';
import { CHAIN_LENGTH, crashTableWith } from './support/crashTables.ts';
import { waitFor } from './support/wait.ts';

const fx = serverFixture('coffer_crash_room', { CRASH_BETTING_MS: '1500', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2', EFFECT_SWEEP_SECONDS: '1' });

/** A table whose first rounds crash late enough to cash out in a test. */
function table(name: string, minimums: number[]): Promise<string[]> {
  return crashTableWith(fx.db.url, name, minimums);
}

async function player(gold: number, tableName: string): Promise<{ userId: string; token: string; crash: PlayerConnection<CrashState> }> {
  const me = await signInGuest(fx.server.url);
  if (gold > 0) await fundNewPlayer(fx.db.url, me.userId, gold);
  const crash = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: tableName });
  await crash.waitForState((s) => s.table === tableName);
  return { ...me, crash };
}

async function balanceOf(userId: string): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [userId]);
  return Number(row?.balance ?? 0);
}

async function escrow(): Promise<number> {
  return balanceOf('escrow');
}

test('a round: bets debited first, cash-out before the crash pays, after the crash is refused, settled once', async () => {
  const chain = await table('t-round', [3]);
  const point = crashPoint(roundHash(chain, 0));
  const [a, b, broke] = [await player(1_000, 't-round'), await player(1_000, 't-round'), await player(0, 't-round')];
  await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  assert.equal(a.crash.state.seedHash, chain[CHAIN_LENGTH], 'the first round commits to the chain end before it starts');

  const refused = expectNack(await broke.crash.send(CrashCommandType.bet, { amount: 10 }));
  assert.equal(refused.code, 'INSUFFICIENT_FUNDS');
  assert.deepEqual(expectAck(await a.crash.send(CrashCommandType.bet, { amount: 100 })), { roundId: 0, amount: 100, currency: 'gold', balance: 900 });
  assert.deepEqual(expectAck(await b.crash.send(CrashCommandType.bet, { amount: 200 })), { roundId: 0, amount: 200, currency: 'gold', balance: 800 });
  assert.equal(refusalOf(await b.crash.send(CrashCommandType.bet, { amount: 5 })), 'CONFLICT/ALREADY_BET', 'one bet per round');
  assert.equal(refusalOf(await a.crash.send(CrashCommandType.cashout)), 'CONFLICT/ROUND_NOT_RUNNING', 'no cash-out while betting');
  assert.equal(expectNack(await a.crash.send(CrashCommandType.bet, { amount: 0 })).code, 'INVALID_INPUT');
  assert.equal(await escrow(), 300, 'the stakes are in escrow');

  await a.crash.waitForState((s) => s.phase === 'running');
  // Sent together: the cash-out must land well before the crash.
  const [late, noBet, cashout] = await Promise.all([broke.crash.send(CrashCommandType.bet, { amount: 10 }), broke.crash.send(CrashCommandType.cashout), a.crash.send(CrashCommandType.cashout)]);
  assert.equal(refusalOf(late), 'CONFLICT/ROUND_CLOSED', 'no bet once the round runs');
  assert.equal(refusalOf(noBet), 'CONFLICT/NO_BET', 'no cash-out without a bet');
  const out = expectAck(cashout);
  assert.equal(out.roundId, 0);
  assert.ok(out.multiplier >= 1 && out.multiplier < point, `${out.multiplier} < ${point}`);
  assert.equal(out.payout, Math.floor((100 * Math.round(out.multiplier * 100)) / 100));
  assert.equal(refusalOf(await a.crash.send(CrashCommandType.cashout)), 'CONFLICT/ALREADY_CASHED_OUT', 'once');

  await b.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  assert.equal(refusalOf(await b.crash.send(CrashCommandType.cashout)), 'CONFLICT/ROUND_NOT_RUNNING', 'too late after the crash');
  await waitFor(async () => (await balanceOf(a.userId)) === 900 + out.payout);
  assert.equal(await balanceOf(b.userId), 800);
  assert.equal(await escrow(), 0, 'escrow is back to zero after settlement');
  const paid = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM transfers WHERE to_account = $1 AND reason = 'crash.payout'`, [a.userId]);
  assert.equal(Number(paid[0].n), 1);

  const entry = a.crash.state.history.find((h) => h.roundId === 0)!;
  assert.equal(entry.crashPoint, point);
  assert.equal(verifyCrashRound({ hash: entry.hash, commitment: entry.commitment, crashPoint: entry.crashPoint }).ok, true);
  assert.equal(verifyCrashRound({ hash: entry.hash, commitment: entry.commitment, crashPoint: entry.crashPoint + 0.01 }).ok, false);
  // The stats follow the ledger: wagered the stake, paid out the cash-out.
  const wallet = await joinPlayerRoom(fx.server.url, a.token);
  await wallet.waitForState((s) => s.stats.get('crash')?.paidOut === out.payout);
  assert.deepEqual([wallet.state.stats.get('crash')!.played, wallet.state.stats.get('crash')!.wagered, wallet.state.stats.get('crash')!.won], [1, 100, 1]);
  await Promise.all([a.crash.leave(), b.crash.leave(), broke.crash.leave(), wallet.leave()]);
});

test('a cash-out decided before the crash but committed after it is paid by the settlement', async () => {
  const chain = await table('t-late', [3]);
  const point = crashPoint(roundHash(chain, 0));
  const a = await player(1_000, 't-late');
  await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  expectAck(await a.crash.send(CrashCommandType.bet, { amount: 100 }));
  await a.crash.waitForState((s) => s.phase === 'running');
  const crashAt = a.crash.state.phaseAt + msUntil(point, 2);

  // The table's fence row held by the test: the cash-out is decided at once (below the crash
  // point) but its commit waits, and the crash comes meanwhile. The settlement queued behind it
  // used to settle the round as the crash found it, without this cash-out: acknowledged, never paid.
  const lock = pgClient(fx.db.url);
  await lock.connect();
  await lock.query('BEGIN');
  await lock.query(`SELECT 1 FROM room_writers WHERE id = 'crash:t-late' FOR UPDATE`);
  const cashout = a.crash.send(CrashCommandType.cashout);
  // The crash has no sign of its own to wait on while storage is held: the server's clock is the
  // only one. Were its timer late, the race would not happen and the test pass without proving it.
  await waitFor(async () => Date.now() > crashAt + 500, 10_000, 50);
  await lock.query('COMMIT');
  await lock.end();
  const out = expectAck(await cashout);
  assert.ok(out.multiplier < point, `${out.multiplier} < ${point}`);

  await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  await waitFor(async () => (await balanceOf(a.userId)) === 900 + out.payout);
  const paid = await queryRows<{ amount: string }>(fx.db.url, `SELECT amount FROM transfers WHERE to_account = $1 AND reason = 'crash.payout'`, [a.userId]);
  assert.deepEqual(paid.map((p) => Number(p.amount)), [out.payout], 'paid once, what the ack said');
  await a.crash.leave();
});

test('a round interrupted by the server going away is settled exactly once when the table loads again', async () => {
  await table('t-cut', [1]);
  const a = await player(500, 't-cut');
  await a.crash.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const roundId = a.crash.state.roundId;
  const escrowBefore = await escrow();
  expectAck(await a.crash.send(CrashCommandType.bet, { amount: 50 }));
  await a.crash.leave().catch(() => undefined);
  await fx.server.kill();
  assert.equal(await escrow(), escrowBefore + 50);
  await fx.restart();
  const again = await player(0, 't-cut');
  await again.crash.waitForState((s) => s.roundId > roundId);
  await waitFor(async () => (await balanceOf(a.userId)) === 500);
  assert.equal(await escrow(), escrowBefore);
  // Loading the table once more settles nothing twice.
  await again.crash.leave();
  await fx.server.stop();
  await fx.restart();
  const third = await player(0, 't-cut');
  await third.crash.waitForState((s) => s.phase === 'betting');
  const refunds = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM transfers WHERE to_account = $1 AND reason = 'crash.refund'`, [a.userId]);
  assert.equal(Number(refunds[0].n), 1);
  const [round] = await queryRows<{ settled: boolean }>(fx.db.url, `SELECT settled_at IS NOT NULL AS settled FROM crash_rounds WHERE table_id = 't-cut' AND round_id = $1`, [roundId]);
  assert.equal(round.settled, true);
  assert.equal(await balanceOf(a.userId), 500);
  const wallet = await joinPlayerRoom(fx.server.url, a.token);
  assert.equal(wallet.state.balance, 500);
  assert.equal(expectAck(await wallet.send(CommandType.streakClaim)).balance, 600);
  await Promise.all([third.crash.leave(), wallet.leave()]);
});

test('a bet sent again after its round closed (stake taken, bet never recorded) gets CONFLICT/STAKE_ROUND_OVER naming the round; the stake comes back once', async () => {
  await table('t-resend', [1]);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 500);
  // The process dies right after the stake's commit, before the table records the bet.
  await fx.server.stop();
  const armed = await fx.restart({ COFFER_FAULT: 'after-commit:stake' });
  const died = once(armed.proc, 'exit');
  const first = await joinRoom(armed.url, me.token, RoomName.crash, CrashState, { table: 't-resend' });
  first.room.reconnection.enabled = false;
  await first.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const roundId = first.state.roundId;
  const id = randomUUID();
  void first.send(CrashCommandType.bet, { amount: 50 }, id);
  await died;
  assert.equal(await balanceOf(me.userId), 450, 'the stake was committed');

  await fx.restart({ COFFER_FAULT: '' });
  const again = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-resend' });
  await again.waitForState((s) => s.roundId > roundId && s.phase === 'betting');
  const refused = expectNack(await again.send(CrashCommandType.bet, { amount: 50 }, id));
  assert.deepEqual([refused.code, refused.reason], ['CONFLICT', 'STAKE_ROUND_OVER']);
  assert.match(refused.message, new RegExp(`round ${roundId}\\b`), 'the sentence names the round the stake was taken for');
  await waitFor(async () => (await balanceOf(me.userId)) === 500);
  const refunds = await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM transfers WHERE to_account = $1 AND reason = 'crash.refund'`, [me.userId]);
  assert.equal(Number(refunds[0].n), 1);
  await again.leave();
});

test('a stake taken for a bet the table never recorded is refunded at settlement, also when the player bets again that round', async () => {
  await table('t-orphan', [1]);
  const a = await player(500, 't-orphan');
  await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  // What a bet whose table commit failed after its stake leaves behind: 7 gold in this round's
  // escrow, debited under a stake record the table never matched with a bet. (Written directly:
  // making the table's commit fail at exactly that moment is what the bank test does by chance.)
  const ref = 'crash:t-orphan:0';
  await bookTransfer(fx.db.url, { from: a.userId, to: 'escrow', amount: 7, reason: 'crash.bet', ref, commandId: 'stake:crash:t-orphan:lost-bet-1' });
  // The player bets again in the same round, with a new id; the round then crashes, no cash-out.
  expectAck(await a.crash.send(CrashCommandType.bet, { amount: 50 }));
  await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  await waitFor(async () => (await balanceOf(a.userId)) === 450);
  const refunds = await queryRows<{ amount: string }>(fx.db.url, `SELECT amount FROM transfers WHERE to_account = $1 AND reason = 'crash.refund' AND ref = $2`, [a.userId, ref]);
  assert.deepEqual(refunds.map((r) => Number(r.amount)), [7], 'the unrecorded stake came back; the recorded bet went to the house');
  assert.equal(await escrow(), 0);
  await a.crash.leave();
});

test('a stake that lands after its round was settled is refunded by the sweep, once', async () => {
  await table('t-late-stake', [1]);
  const a = await player(500, 't-late-stake');
  await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  await waitFor(async () => (await queryRows(fx.db.url, `SELECT 1 FROM crash_rounds WHERE table_id = 't-late-stake' AND round_id = 0 AND settled_at IS NOT NULL`)).length === 1);
  // What a slow owner room leaves behind: its stake for round 0 commits after the settlement (the
  // table's call had timed out and the bet was refused). Written directly, as the owner would.
  const ref = 'crash:t-late-stake:0';
  await bookTransfer(fx.db.url, { from: a.userId, to: 'escrow', amount: 9, reason: 'crash.bet', ref, commandId: 'stake:crash:t-late-stake:slow-1' });
  await waitFor(async () => (await balanceOf(a.userId)) === 500);
  assert.equal(await escrow(), 0);
  // Later sweeps find it refunded and owe nothing more.
  await waitFor(async () => Number((await queryRows<{ n: string }>(fx.db.url, `SELECT count(*) AS n FROM effects WHERE key LIKE 'refund:%' AND applied_at IS NOT NULL AND ref = $1`, [ref]))[0].n) === 1);
  const refunds = await queryRows<{ amount: string }>(fx.db.url, `SELECT amount FROM transfers WHERE to_account = $1 AND reason = 'crash.refund' AND ref = $2`, [a.userId, ref]);
  assert.deepEqual(refunds.map((r) => Number(r.amount)), [9]);
  await a.crash.leave();
});

test('a table whose chain runs out commits a new chain and goes on; every round still verifies', async () => {
  // A chain of two rounds: round 2 needs the next one.
  const seed = 'c'.repeat(64);
  await queryRows(fx.db.url, `INSERT INTO crash_tables (id, chain_seed, chain_length) VALUES ('t-rotate', $1, 2)`, [seed]);
  const me = await signInGuest(fx.server.url);
  const tab = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: 't-rotate' });
  await tab.waitForState((s) => s.roundId >= 3);
  const chains = await queryRows<{ first_round: number; chain_length: number }>(fx.db.url, `SELECT first_round, chain_length FROM crash_chains WHERE table_id = 't-rotate'`);
  assert.deepEqual(chains.map((c) => c.first_round), [2]);
  const betting = tab.events.filter((e) => e.type === 'crash.round' && (e.data as { phase: string }).phase === 'betting').map((e) => e.data as { roundId: number; seedHash: string });
  const crashed = tab.events.filter((e) => e.type === 'crash.round' && (e.data as { phase: string }).phase === 'crashed').map((e) => e.data as { roundId: number; hash: string; commitment: string; crashPoint: number });
  for (const c of crashed) {
    assert.equal(verifyCrashRound(c).ok, true, `round ${c.roundId} verifies`);
    const shown = betting.find((b) => b.roundId === c.roundId);
    if (shown) assert.equal(shown.seedHash, c.commitment, `round ${c.roundId} was committed before it started`);
  }
  assert.ok(crashed.some((c) => c.roundId === 2), 'round 2 (the new chain) settled');
  await tab.leave();
});

test('an acked bet whose commit answer was lost is played: the room learns it from storage, and its cash-out pays', async () => {
  await table('t-lost-answer', [3]);
  // The table's commit of this bet happens, but its answer is lost on the way (as when the
  // connection drops after COMMIT); the room reloads and acks the bet from its stored reply.
  await fx.server.stop();
  await fx.restart({ COFFER_FAULT: 'answer-lost:lostbet-' });
  try {
    const a = await player(1_000, 't-lost-answer');
    await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
    assert.deepEqual(expectAck(await a.crash.send(CrashCommandType.bet, { amount: 100 }, `lostbet-${randomUUID()}`)), { roundId: 0, amount: 100, currency: 'gold', balance: 900 });
    await a.crash.waitForState((s) => s.phase === 'running');
    // The room must hold the bet it acked: it used to answer "you have no bet in round 0".
    const out = expectAck(await a.crash.send(CrashCommandType.cashout));
    await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
    await waitFor(async () => (await balanceOf(a.userId)) === 900 + out.payout);
    const refunds = await queryRows(fx.db.url, `SELECT 1 FROM transfers WHERE to_account = $1 AND reason = 'crash.refund'`, [a.userId]);
    assert.equal(refunds.length, 0, 'played, not refunded');
    await a.crash.leave();
  } finally {
    await fx.server.stop();
    await fx.restart({ COFFER_FAULT: '' });
  }
});
