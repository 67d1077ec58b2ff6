// Crash bets in a currency other than gold, over WebSockets, on a server whose economy
// (ECONOMY_FILE) adds gems to today's default and takes crash bets in gems too: the bet is checked
// against economy.crash.limits of its currency, its stake goes to escrow in it, and its cash-out
// and a refund come back in it; the table shows each bet's currency; the stats of a gem bet are
// kept under `crash:gems` (docs/GAMES.md, on currencies and stats). The fixture checks after the
// file that the ledger sums to 0 in every currency.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { crashPoint, roundHash } from '../shared/crash.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, refusalOf, signInGuest, type PlayerConnection } from './support/client.ts';
import { crashTableWith } from './support/crashTables.ts';
import { GEMS, withGems } from './support/economies.ts';
import { serverFixture } from './support/fixture.ts';
import { balanceIn, bookTransfer, fundNewPlayer, queryRows } from './support/ledger.ts';
import { waitFor } from './support/wait.ts';

const economy = withGems();
economy.crash = { limits: { ...economy.crash.limits, [GEMS]: { min: 2, max: 40 } } };
const economyFile = path.join(tmpdir(), `coffer-crash-currencies-economy-${process.pid}.json`);
writeFileSync(economyFile, JSON.stringify(economy));
const fx = serverFixture('coffer_crash_currencies', { ECONOMY_FILE: economyFile, CRASH_BETTING_MS: '1500', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2', EFFECT_SWEEP_SECONDS: '1' });

async function player(funds: Record<string, number>, tableName: string): Promise<{ userId: string; token: string; crash: PlayerConnection<CrashState> }> {
  const me = await signInGuest(fx.server.url);
  for (const [currency, amount] of Object.entries(funds)) await fundNewPlayer(fx.db.url, me.userId, amount, currency);
  const crash = await joinRoom(fx.server.url, me.token, RoomName.crash, CrashState, { table: tableName });
  await crash.waitForState((s) => s.table === tableName);
  return { ...me, crash };
}

const ledgerOf = (userId: string, reason: string) =>
  queryRows<{ amount: string; currency: string }>(fx.db.url, `SELECT amount, currency FROM transfers WHERE to_account = $1 AND reason = $2 ORDER BY id`, [userId, reason]);

test('a bet in gems: refused outside its limits or in a currency crash does not take; staked, cashed out and settled in gems, beside a gold bet', async () => {
  const chain = await crashTableWith(fx.db.url, 't-gems', [3]);
  const point = crashPoint(roundHash(chain, 0));
  const a = await player({ gold: 1_000, [GEMS]: 50 }, 't-gems');
  const b = await player({ gold: 1_000 }, 't-gems');
  await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  const [houseGold, houseGems] = [await balanceIn(fx.db.url, 'house'), await balanceIn(fx.db.url, 'house', GEMS)];

  const outside = expectNack(await a.crash.send(CrashCommandType.bet, { amount: 41, currency: GEMS }));
  assert.deepEqual([outside.code, outside.reason, outside.message], ['INVALID_INPUT', 'BET_OUT_OF_LIMITS', 'amount must be between 2 and 40 gems for crash, not 41']);
  const unlisted = expectNack(await a.crash.send(CrashCommandType.bet, { amount: 10, currency: 'silver' }));
  assert.deepEqual([unlisted.code, unlisted.reason], ['INVALID_INPUT', 'CURRENCY_NOT_ACCEPTED']);
  const accepted = /^currency silver is not accepted by crash; it accepts (.+)$/.exec(unlisted.message)?.[1];
  assert.deepEqual(accepted?.split(', ').sort(), ['gems', 'gold'], unlisted.message);
  assert.equal(await balanceIn(fx.db.url, 'escrow', GEMS), 0, 'a refused bet takes nothing');

  assert.deepEqual(expectAck(await a.crash.send(CrashCommandType.bet, { amount: 20, currency: GEMS })), { roundId: 0, amount: 20, currency: GEMS, balance: 30 });
  assert.deepEqual(expectAck(await b.crash.send(CrashCommandType.bet, { amount: 100 })), { roundId: 0, amount: 100, currency: 'gold', balance: 900 }, 'gold by default');
  assert.deepEqual([await balanceIn(fx.db.url, 'escrow', GEMS), await balanceIn(fx.db.url, 'escrow')], [20, 100], 'each stake in escrow in its currency');
  await b.crash.waitForState((s) => s.bets.get(a.userId)?.currency === GEMS && s.bets.get(b.userId)?.currency === 'gold');
  assert.equal(b.crash.state.bets.get(a.userId)!.amount, 20);

  await a.crash.waitForState((s) => s.phase === 'running');
  const out = expectAck(await a.crash.send(CrashCommandType.cashout));
  assert.ok(out.multiplier >= 1 && out.multiplier < point, `${out.multiplier} < ${point}`);
  assert.deepEqual(out, { roundId: 0, multiplier: out.multiplier, payout: Math.floor((20 * Math.round(out.multiplier * 100)) / 100), currency: GEMS });
  await b.crash.waitForState((s) => s.bets.get(a.userId)?.payout === out.payout);

  await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  await waitFor(async () => (await balanceIn(fx.db.url, a.userId, GEMS)) === 30 + out.payout);
  assert.equal(await balanceIn(fx.db.url, a.userId), 1_000, 'no gold moved for a gem bet');
  assert.deepEqual((await ledgerOf(a.userId, 'crash.payout')).map((t) => [Number(t.amount), t.currency]), [[out.payout, GEMS]]);
  assert.deepEqual([await balanceIn(fx.db.url, 'escrow', GEMS), await balanceIn(fx.db.url, 'escrow')], [0, 0], 'escrow is empty in both currencies');
  assert.deepEqual(
    [await balanceIn(fx.db.url, 'house') - houseGold, await balanceIn(fx.db.url, 'house', GEMS) - houseGems],
    [100, 20 - out.payout],
    'the house took the gold bet and paid the gem cash-out from the gem stake',
  );

  // Stats per currency: the gem bet under crash:gems, the gold one under crash.
  const wallet = await joinPlayerRoom(fx.server.url, a.token);
  await wallet.waitForState((s) => s.stats.get(`crash:${GEMS}`)?.paidOut === out.payout);
  const gems = wallet.state.stats.get(`crash:${GEMS}`)!;
  assert.deepEqual([gems.played, gems.wagered, gems.won, gems.paidOut], [1, 20, 1, out.payout]);
  assert.equal(wallet.state.stats.get('crash'), undefined, 'nothing counted in gold');
  const other = await joinPlayerRoom(fx.server.url, b.token);
  await other.waitForState((s) => s.stats.get('crash')?.wagered === 100);
  assert.equal(other.state.stats.get(`crash:${GEMS}`), undefined);
  await Promise.all([a.crash.leave(), b.crash.leave(), wallet.leave(), other.leave()]);
});

test('a stake in gems the table never matched with a bet is refunded in gems at settlement', async () => {
  await crashTableWith(fx.db.url, 't-gems-refund', [1]);
  const a = await player({ [GEMS]: 30 }, 't-gems-refund');
  await a.crash.waitForState((s) => s.phase === 'betting' && s.roundId === 0 && s.seedHash !== '');
  // What a bet whose table commit failed after its stake leaves behind (as in crash.room.test.ts):
  // 7 gems in this round's escrow under a stake the table never recorded.
  const ref = 'crash:t-gems-refund:0';
  await bookTransfer(fx.db.url, { from: a.userId, to: 'escrow', amount: 7, currency: GEMS, reason: 'crash.bet', ref, commandId: 'stake:crash:t-gems-refund:lost-bet-1' });
  assert.equal(refusalOf(await a.crash.send(CrashCommandType.bet, { amount: 1, currency: GEMS })), 'INVALID_INPUT/BET_OUT_OF_LIMITS');
  await a.crash.waitForState((s) => s.phase === 'crashed' && s.roundId === 0);
  await waitFor(async () => (await balanceIn(fx.db.url, a.userId, GEMS)) === 30);
  assert.deepEqual((await ledgerOf(a.userId, 'crash.refund')).map((t) => [Number(t.amount), t.currency]), [[7, GEMS]]);
  assert.equal(await balanceIn(fx.db.url, 'escrow', GEMS), 0);
  await a.crash.leave();
});
