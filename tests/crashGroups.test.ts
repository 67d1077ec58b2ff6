// Many players at one crash table at once: their bets and cash-outs commit in groups (one fenced
// transaction for many players, server/writers/serialWriter.ts). Each acked bet is stored, debited
// once and playable (every player can cash out: the room holds every bet of the group); a player
// refused within a group writes nothing while the others go on; one player's second bet in the same
// burst is refused as before; a group whose commit answer is lost is acked from storage, and played.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { expectAck, joinRoom, refusalOf, signInGuest, type PlayerConnection, type Reply } from './support/client.ts';
import { crashTableWith } from './support/crashTables.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { waitFor } from './support/wait.ts';

const fx = serverFixture('coffer_crash_groups', { CRASH_BETTING_MS: '1500', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2', EFFECT_SWEEP_SECONDS: '1' });

type Player = { userId: string; crash: PlayerConnection<CrashState> };

async function players(count: number, gold: number, tableName: string): Promise<Player[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const me = await signInGuest(fx.server.url);
      if (gold > 0) await fundNewPlayer(fx.db.url, me.userId, gold);
      const crash = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: tableName });
      await crash.waitForState((s) => s.table === tableName);
      return { userId: me.userId, crash };
    }),
  );
}

async function balanceOf(userId: string): Promise<number> {
  const [row] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [userId]);
  return Number(row?.balance ?? 0);
}

/** The transactions that stored these commands' replies (rows one transaction wrote share its xmin). */
async function transactionsOf(table: string, ids: string[]): Promise<number> {
  const [row] = await queryRows<{ n: string }>(fx.db.url, `SELECT count(DISTINCT xmin::text) AS n FROM command_results WHERE command_id = ANY($1)`, [ids.map((id) => `crash:${table}:${id}`)]);
  return Number(row.n);
}

async function storedBets(table: string, roundId: number): Promise<Record<string, { amount: number }>> {
  const [row] = await queryRows<{ bets: Record<string, { amount: number }> }>(fx.db.url, `SELECT bets FROM crash_rounds WHERE table_id = $1 AND round_id = $2`, [table, roundId]);
  return row.bets;
}

test('players betting and cashing out at once commit in groups: every bet stored, debited once, and cashed out', async () => {
  await crashTableWith(fx.db.url, 't-groups', [3]);
  const all = await players(24, 1_000, 't-groups');
  await all[0].crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');

  const ids = all.map(() => `grp-${randomUUID()}`);
  const bets = await Promise.all(all.map((p, i) => p.crash.send(CrashCommandType.bet, { amount: 10 + i }, ids[i])));
  bets.forEach((reply, i) => assert.deepEqual(expectAck(reply), { roundId: 0, amount: 10 + i, currency: 'gold', balance: 990 - i }));
  assert.ok((await transactionsOf('t-groups', ids)) < all.length, 'the bets were committed in fewer transactions than bets');
  const stored = await storedBets('t-groups', 0);
  assert.deepEqual(
    all.map((p) => stored[p.userId]?.amount),
    all.map((_, i) => 10 + i),
    'every acked bet is stored with the round',
  );
  const [escrow] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = 'escrow' AND currency = 'gold'), 0) AS balance`);
  assert.equal(Number(escrow.balance), all.reduce((sum, _, i) => sum + 10 + i, 0), 'each stake taken once');

  await all[0].crash.waitForState((s) => s.phase === 'running');
  const outs = (await Promise.all(all.map((p) => p.crash.send(CrashCommandType.cashout)))).map(expectAck);
  await all[0].crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  for (const [i, p] of all.entries()) {
    assert.equal(outs[i].payout, Math.floor(((10 + i) * Math.round(outs[i].multiplier * 100)) / 100));
    await waitFor(async () => (await balanceOf(p.userId)) === 1_000 - (10 + i) + outs[i].payout);
  }
  await Promise.all(all.map((p) => p.crash.leave()));
});

test('within a burst, a refused bet writes nothing and the others are acked; a second bet of one player is refused', async () => {
  await crashTableWith(fx.db.url, 't-groups-refused', [1.5]);
  const [funded, broke] = await Promise.all([players(8, 1_000, 't-groups-refused'), players(1, 0, 't-groups-refused')]);
  await funded[0].crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');

  const brokeId = `grp-broke-${randomUUID()}`;
  const twice = [`grp-a-${randomUUID()}`, `grp-b-${randomUUID()}`];
  const replies: Reply[] = await Promise.all([
    ...funded.map((p) => p.crash.send(CrashCommandType.bet, { amount: 10 })),
    broke[0].crash.send(CrashCommandType.bet, { amount: 10 }, brokeId),
    ...twice.map((id) => funded[0].crash.send(CrashCommandType.bet, { amount: 5 }, id)),
  ]);
  funded.forEach((_, i) => expectAck(replies[i]));
  assert.equal(refusalOf(replies[funded.length]), 'INSUFFICIENT_FUNDS');
  assert.deepEqual(replies.slice(funded.length + 1).map(refusalOf), ['CONFLICT/ALREADY_BET', 'CONFLICT/ALREADY_BET'], "the player's bet went first; the second and third are refused");
  const stored = await storedBets('t-groups-refused', 0);
  assert.deepEqual(Object.keys(stored).sort(), funded.map((p) => p.userId).sort(), 'the refused bet is not stored');
  assert.equal(stored[funded[0].userId].amount, 10);
  assert.equal((await queryRows(fx.db.url, `SELECT 1 FROM command_results WHERE command_id = $1`, [`crash:t-groups-refused:${brokeId}`])).length, 0, 'no reply stored for it');
  assert.equal(await balanceOf(broke[0].userId), 0);
  await Promise.all([...funded, ...broke].map((p) => p.crash.leave()));
});

test("a group whose commit answer was lost is acked from storage, and every bet of it is played", async () => {
  await crashTableWith(fx.db.url, 't-groups-lost', [3]);
  await fx.server.stop();
  await fx.restart({ COFFER_FAULT: 'answer-lost:grplost-' });
  try {
    const all = await players(6, 1_000, 't-groups-lost');
    await all[0].crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
    // One command of the group hits the fault: the group's commit looks failed after it happened.
    const ids = all.map((_, i) => (i === 3 ? `grplost-${randomUUID()}` : `grp-${randomUUID()}`));
    const bets = await Promise.all(all.map((p, i) => p.crash.send(CrashCommandType.bet, { amount: 100 }, ids[i])));
    for (const reply of bets) assert.deepEqual(expectAck(reply), { roundId: 0, amount: 100, currency: 'gold', balance: 900 });
    await all[0].crash.waitForState((s) => s.phase === 'running');
    // The room reloaded the round's bets from storage: every player can cash out.
    const outs = (await Promise.all(all.map((p) => p.crash.send(CrashCommandType.cashout)))).map(expectAck);
    await all[0].crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
    for (const [i, p] of all.entries()) await waitFor(async () => (await balanceOf(p.userId)) === 900 + outs[i].payout);
    const refunds = await queryRows(fx.db.url, `SELECT 1 FROM transfers WHERE to_account = ANY($1) AND reason = 'crash.refund'`, [all.map((p) => p.userId)]);
    assert.equal(refunds.length, 0, 'played, not refunded');
    await Promise.all(all.map((p) => p.crash.leave()));
  } finally {
    await fx.server.stop();
    await fx.restart({ COFFER_FAULT: '' });
  }
});
