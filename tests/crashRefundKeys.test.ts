// Crash refunds keyed per stake, against a real PostgreSQL and server: a command id the player
// uses again once its stored reply was pruned (IDEMPOTENCY_WINDOW_HOURS, here aged by hand and
// pruned by the retention sweep) stakes a second time in a later round, and both stakes come back
// when their rounds are void; and a refund an earlier version stored under the stake's old key is
// not owed again by the late-stake sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { legacyRefundKey, roundRef, stakeIdOf } from '../server/core/crash/settlement.ts';
import { openDatabase } from '../server/db/database.ts';
import { sweepLateStakes } from '../server/jobs/lateStakeSweeper.ts';
import { sqlFor } from '../server/store/sql.ts';
import { expectAck, joinRoom as joinAs, signInGuest } from './support/client.ts';
import { crashTableWith } from './support/crashTables.ts';
import { serverFixture } from './support/fixture.ts';
import { bookTransfer, fundNewPlayer, queryRows } from './support/ledger.ts';
import { waitFor } from './support/wait.ts';

// Betting never ends by itself: every round here is cut short by the process dying, so it is void.
const fx = serverFixture('coffer_refund_keys', { CRASH_BETTING_MS: '600000', CRASH_PAUSE_MS: '200', EFFECT_SWEEP_SECONDS: '1', RETENTION_SWEEP_SECONDS: '1' });

async function balanceOf(userId: string): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [userId]);
  return Number(row?.balance ?? 0);
}

/** Joins the table and bets `amount` under command id `id` in its betting phase; the round. */
async function betOnce(token: string, table: string, id: string, amount: number): Promise<number> {
  const crash = await joinRoom(token, table);
  await crash.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  const ack = expectAck(await crash.send(CrashCommandType.bet, { amount }, id)) as { roundId: number };
  return ack.roundId;
}

async function joinRoom(token: string, table: string) {
  const crash = await joinAs(fx.server.url, token, RoomName.crash, CrashState, { table });
  await crash.waitForState((s) => s.table === table);
  return crash;
}

test('one command id staked in two rounds (the second after its stored reply was pruned): both stakes refunded, escrow back to 0', async () => {
  await crashTableWith(fx.db.url, 't-reuse', [1]);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 1_000);
  const id = 'reused-bet-id-0001';
  const stakeId = stakeIdOf('t-reuse', id);

  const first = await betOnce(me.token, 't-reuse', id, 100);
  // The process dies in the betting phase: the round never ran, its successor voids it.
  await fx.server.kill();
  await fx.restart();
  await joinRoom(me.token, 't-reuse');
  await waitFor(async () => (await balanceOf(me.userId)) === 1_000);

  // The id's stored replies (the table's, under its stream; the stake's in the player's room; the
  // record of the refund's application) age past the idempotency window, and the retention sweep
  // prunes them.
  const replies = `FROM command_results WHERE actor = $1 AND (command_id = $2 OR command_id LIKE '%:' || $3)`;
  assert.equal((await queryRows(fx.db.url, `SELECT 1 ${replies}`, [me.userId, stakeId, id])).length, 3);
  await queryRows(fx.db.url, `UPDATE command_results SET created_at = now() - interval '25 hours' WHERE ctid IN (SELECT ctid ${replies})`, [me.userId, stakeId, id]);
  await waitFor(async () => (await queryRows(fx.db.url, `SELECT 1 ${replies}`, [me.userId, stakeId, id])).length === 0);
  // A day on, no room remembers the replies either (rooms keep their last ones in memory).
  await fx.server.stop();
  await fx.restart();

  const second = await betOnce(me.token, 't-reuse', id, 30);
  assert.ok(second > first, `a later round (${first}, then ${second})`);
  assert.equal(await balanceOf(me.userId), 970);
  await fx.server.kill();
  await fx.restart();
  await joinRoom(me.token, 't-reuse');

  await waitFor(async () => (await balanceOf(me.userId)) === 1_000);
  await waitFor(async () => (await balanceOf('escrow')) === 0);
  const refunds = await queryRows<{ amount: string; ref: string }>(fx.db.url, `SELECT amount, ref FROM transfers WHERE to_account = $1 AND reason = 'crash.refund' ORDER BY id`, [me.userId]);
  assert.deepEqual(refunds.map((r) => [Number(r.amount), r.ref]), [[100, roundRef('t-reuse', first)], [30, roundRef('t-reuse', second)]]);
  const keys = await queryRows<{ key: string }>(fx.db.url, `SELECT key FROM effects WHERE user_id = $1 AND reason = 'crash.refund'`, [me.userId]);
  assert.equal(new Set(keys.map((k) => k.key)).size, 2, 'two stakes, two refund keys');
});

test('a late stake refunded before the upgrade under its old key is not refunded again; one that was not, is', async () => {
  // A round an earlier version settled, with two stakes that landed after its settlement: one its
  // late-stake sweep refunded (under `refund:<stake id>`, applied), one it had not got to yet.
  const table = 't-upgrade';
  const roundId = 3;
  const ref = roundRef(table, roundId);
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, 100);
  await crashTableWith(fx.db.url, table, []);
  await queryRows(fx.db.url, `INSERT INTO crash_rounds (table_id, round_id, commitment, settled_at, handled_stakes) VALUES ($1, $2, 'c', now(), '[]'::jsonb)`, [table, roundId]);
  const stake = async (stakeId: string, amount: number) => {
    await bookTransfer(fx.db.url, { from: me.userId, to: 'escrow', amount, reason: 'crash.bet', ref, commandId: stakeId });
  };
  const refunded = stakeIdOf(table, 'late-refunded-1');
  await stake(refunded, 9);
  await queryRows(fx.db.url, `INSERT INTO effects (key, user_id, from_account, currency, gold, xp, reason, ref, applied_at) VALUES ($1, $2, 'escrow', 'gold', 9, 0, 'crash.refund', $3, now())`, [legacyRefundKey(refunded), me.userId, ref]);
  await bookTransfer(fx.db.url, { from: 'escrow', to: me.userId, amount: 9, reason: 'crash.refund', ref });
  await stake(stakeIdOf(table, 'late-owed-1'), 4);

  // The server's sweeps (every second) and one from here: only the stake not refunded yet is owed.
  const database = await openDatabase({ databaseUrl: fx.db.url, dataDir: '', migrate: false });
  try {
    await sweepLateStakes(await sqlFor(database.orm));
  } finally {
    await database.close();
  }
  const owed = await queryRows<{ key: string; gold: string }>(fx.db.url, `SELECT key, gold FROM effects WHERE ref = $1 ORDER BY key`, [ref]);
  assert.deepEqual(owed.map((e) => Number(e.gold)).sort(), [4, 9], `one refund per stake: ${owed.map((e) => e.key).join(', ')}`);
  await waitFor(async () => (await balanceOf(me.userId)) === 100);
  assert.equal(await balanceOf('escrow'), 0);
});
