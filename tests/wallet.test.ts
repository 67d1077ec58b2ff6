// Wallets of several currencies over the wire, on a server whose economy (ECONOMY_FILE) adds gems to
// today's default: wallet.exchange through the house at the published rates (docs/PROTOCOL.md), its
// refusals writing nothing, admin grants in a named currency, the wallet in the player's state and
// the admin's audit and supply per currency (docs/ARCHITECTURE.md, INV-5).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AdminCommandType, type UserView } from '../shared/adminCommands.ts';
import { CommandType } from '../shared/commands.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, refusalOf, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { GEMS, withGems } from './support/economies.ts';
import { serverFixture } from './support/fixture.ts';
import { balanceIn, fundNewPlayer, queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

const economyFile = path.join(tmpdir(), `coffer-wallet-economy-${process.pid}.json`);
writeFileSync(economyFile, JSON.stringify(withGems()));
const fx = serverFixture('coffer_wallet', { ECONOMY_FILE: economyFile });

async function fundedPlayer(gold: number): Promise<{ userId: string; token: string; tab: PlayerConnection }> {
  const me = await signInGuest(fx.server.url);
  await fundNewPlayer(fx.db.url, me.userId, gold);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  return { userId: me.userId, token: me.token, tab };
}

const walletOf = (tab: PlayerConnection) => Object.fromEntries(tab.state.wallet.entries());

async function ledgerLines(userId: string) {
  return queryRows<{ from_account: string; to_account: string; amount: string; currency: string; reason: string; economy_version: number | null }>(
    fx.db.url,
    `SELECT from_account, to_account, amount, currency, reason, economy_version FROM transfers WHERE from_account = $1 OR to_account = $1 ORDER BY id`,
    [userId],
  );
}

test('wallet.exchange: gold to the house, gems back at the published rate, rounded down; state, events and ledger follow', async () => {
  const { userId, tab } = await fundedPlayer(1_000);
  const houseBefore = { gold: await balanceIn(fx.db.url, 'house'), gems: await balanceIn(fx.db.url, 'house', GEMS) };
  const id = newId();
  const result = expectAck(await tab.send(CommandType.walletExchange, { from: 'gold', to: GEMS, amount: 250 }, id));
  assert.ok(Number.isSafeInteger(result.economyVersion) && result.economyVersion >= 1, `economyVersion ${result.economyVersion}`);
  assert.deepEqual(result, { from: 'gold', to: GEMS, spent: 250, received: 2, balances: { gold: 750, gems: 2 }, economyVersion: result.economyVersion });
  await tab.waitForState((s) => s.balance === 750 && s.wallet.get(GEMS) === 2);
  assert.deepEqual(walletOf(tab), { gold: 750, gems: 2 });
  await tab.waitForEvents((events) => events.filter((e) => e.type === 'balance.changed').length >= 2);
  assert.deepEqual(tab.events.filter((e) => e.type === 'balance.changed').map((e) => e.data), [
    { delta: -250, balance: 750, currency: 'gold', reason: 'wallet.exchange', ref: id },
    { delta: 2, balance: 2, currency: GEMS, reason: 'wallet.exchange', ref: id },
  ]);
  assert.deepEqual((await ledgerLines(userId)).slice(1).map((t) => [t.from_account, t.to_account, Number(t.amount), t.currency, t.reason, t.economy_version]), [
    [userId, 'house', 250, 'gold', 'wallet.exchange', result.economyVersion],
    ['house', userId, 2, GEMS, 'wallet.exchange', result.economyVersion],
  ]);
  assert.deepEqual([await balanceIn(fx.db.url, 'house') - houseBefore.gold, await balanceIn(fx.db.url, 'house', GEMS) - houseBefore.gems], [250, -2], 'through the house, in each currency');
  // Back again: 2 gems at 1:90 is 180 gold; the retry of the same id changes nothing.
  const back = newId();
  const sold = expectAck(await tab.send(CommandType.walletExchange, { from: GEMS, to: 'gold', amount: 2 }, back));
  assert.deepEqual([sold.spent, sold.received, sold.balances], [2, 180, { gems: 0, gold: 930 }]);
  assert.deepEqual(expectAck(await tab.send(CommandType.walletExchange, { from: GEMS, to: 'gold', amount: 2 }, back)), sold);
  await tab.waitForState((s) => s.balance === 930 && s.wallet.get(GEMS) === 0);
  await tab.leave();
});

test('exchange refusals name the field or the reason, and write nothing', async () => {
  const { userId, tab } = await fundedPlayer(150);
  const before = await ledgerLines(userId);
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ from: 'gold', to: 'rubies', amount: 100 }, 'INVALID_INPUT/UNKNOWN_CURRENCY', /^to rubies is not a currency of the economy/],
    [{ from: 'gold', to: GEMS, amount: 99 }, 'INVALID_INPUT/EXCHANGE_TOO_SMALL', /exchange at least 100/],
    [{ from: 'gold', to: GEMS, amount: 200 }, 'INSUFFICIENT_FUNDS', /amount of 200 is more than your balance of 150/],
    [{ from: GEMS, to: 'gold', amount: 1 }, 'INSUFFICIENT_FUNDS', /amount of 1 is more than your gems balance of 0/],
    [{ from: 'gold', to: 'gold', amount: 100 }, 'INVALID_INPUT', /^to must be another currency than from/],
    [{ from: 'Gold', to: GEMS, amount: 100 }, 'INVALID_INPUT', /^from must be a currency id/],
    [{ from: 'gold', to: GEMS, amount: -100 }, 'INVALID_INPUT', /^amount must be a whole number/],
    [{ from: 'gold', to: GEMS, amount: 1e15 }, 'INVALID_INPUT', /^amount must be a whole number/],
    [{ from: 'gold', to: GEMS, amount: 100.5 }, 'INVALID_INPUT', /^amount must be a whole number/],
    [{ from: 'gold', to: GEMS }, 'INVALID_INPUT', /amount/],
  ];
  for (const [fields, refusal, message] of cases) {
    const reply = await tab.send(CommandType.walletExchange, fields);
    assert.equal(refusalOf(reply), refusal, JSON.stringify(fields));
    assert.match(expectNack(reply).message, message, JSON.stringify(fields));
  }
  assert.deepEqual(await ledgerLines(userId), before, 'no transfer written');
  assert.equal((await queryRows(fx.db.url, `SELECT 1 FROM command_results WHERE actor = $1`, [userId])).length, 0, 'no reply stored');
  assert.deepEqual(walletOf(tab), { gold: 150 });
  await tab.leave();
});

test('exchanging in circles only ever loses (rounding down and the house spread)', async () => {
  const { tab } = await fundedPlayer(2_000);
  let gold = 2_000;
  for (let round = 0; round < 5; round++) {
    const bought = expectAck(await tab.send(CommandType.walletExchange, { from: 'gold', to: GEMS, amount: gold }));
    const sold = expectAck(await tab.send(CommandType.walletExchange, { from: GEMS, to: 'gold', amount: bought.received }));
    assert.ok(sold.balances.gold < gold, `round ${round}: ${sold.balances.gold} < ${gold}`);
    gold = sold.balances.gold;
  }
  await tab.leave();
});

test('admin.grant in gems; the player sees it, the audit and the supply hold per currency', async () => {
  const adminSession = await signInAdmin(fx.server.url, TEST_ADMIN_PASSWORD);
  const admin = await joinRoom(fx.server.url, adminSession.token, RoomName.admin, AdminState);
  const { userId, tab } = await fundedPlayer(10);
  assert.deepEqual(expectAck(await admin.send(AdminCommandType.grant, { userId, amount: 40, currency: GEMS, reason: 'launch gift' })), { balance: 40, currency: GEMS });
  assert.deepEqual(expectAck(await admin.send(AdminCommandType.grant, { userId, amount: -15, currency: GEMS, reason: 'chargeback' })), { balance: 25, currency: GEMS });
  assert.equal(refusalOf(await admin.send(AdminCommandType.grant, { userId, amount: -26, currency: GEMS, reason: 'too much' })), 'INSUFFICIENT_FUNDS');
  await tab.waitForState((s) => s.wallet.get(GEMS) === 25 && s.balance === 10);
  const user: UserView = expectAck(await admin.send(AdminCommandType.userGet, { userId }));
  assert.deepEqual([user.balance, user.wallet], [10, { gems: 25, gold: 10 }]);
  assert.deepEqual(user.ledger.slice(0, 2).map((t) => [t.from, t.to, t.amount, t.currency, t.reason, typeof t.economyVersion]), [
    [userId, 'mint', 15, GEMS, 'admin.debit', 'number'],
    ['mint', userId, 40, GEMS, 'admin.grant', 'number'],
  ]);
  const audit = expectAck(await admin.send(AdminCommandType.audit, {}));
  assert.equal(audit.ok, true, JSON.stringify(audit));
  assert.equal(audit.currencies[GEMS].sumOfBalances, 0);
  assert.ok(audit.currencies[GEMS].minted >= 40 && audit.currencies[GEMS].burned >= 15);
  assert.equal(audit.currencies.gold.sumOfBalances, 0);
  assert.deepEqual([audit.sumOfBalances, audit.minted, audit.circulating], [audit.currencies.gold.sumOfBalances, audit.currencies.gold.minted, audit.currencies.gold.circulating], "the top-level figures are gold's");
  await admin.waitForState((s) => (s.supplies.get(GEMS)?.minted ?? 0) >= 40);
  assert.equal(admin.state.supplies.get(GEMS)!.circulating, audit.currencies[GEMS].circulating);
  await Promise.all([tab.leave(), admin.leave()]);
});
