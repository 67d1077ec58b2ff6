// Publishing across processes (services mode, two processes on one PostgreSQL and Redis): a
// version published through one process is in force on the other within a second, over HTTP and
// for commands; during a burst of commands on both processes, each command is decided wholly
// under one version (its result, its rate and its transfers agree), the old or the new, and a bad
// document published mid-burst changes nothing; purchases during a publish pay the price of the
// version they name, and a limited offer's stock and per-player counts carry across it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdminCommandType } from '../shared/adminCommands.ts';
import { CommandType, type ShopBuyResult, type WalletExchangeResult } from '../shared/commands.ts';
import type { Economy, PublicEconomy } from '../shared/economy.ts';
import { RoomName } from '../shared/protocol.ts';
import { AdminState } from '../shared/state.ts';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection } from './support/client.ts';
import { clusterFixture } from './support/cluster.ts';
import { GEMS, withGems } from './support/economies.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const fx = clusterFixture('coffer_economy_cluster', 2);

let adminTab: PlayerConnection<AdminState> | undefined;
async function admin(): Promise<PlayerConnection<AdminState>> {
  if (adminTab) return adminTab;
  const session = await signInAdmin(fx.servers[0]!.url, TEST_ADMIN_PASSWORD);
  adminTab = await joinRoom(fx.servers[0]!.url, session.token, RoomName.admin, AdminState);
  return adminTab;
}

async function publish(economy: unknown): Promise<number> {
  return expectAck(await (await admin()).send(AdminCommandType.economyPublish, { economy })).version;
}

async function economyAt(url: string): Promise<PublicEconomy> {
  return (await (await fetch(`${url}/economy`)).json()) as PublicEconomy;
}

/** The PUBLIC_ADDRESS of the process hosting `roomId`, from the matchmaker's room cache. */
async function processOf(roomId: string): Promise<string> {
  const cache = await fx.redis().hget(`${fx.keyPrefix}roomcaches`, roomId);
  assert.ok(cache, `room ${roomId} is in the matchmaker`);
  return (JSON.parse(cache) as { publicAddress: string }).publicAddress;
}

/** A funded player whose room lives on process `where` (or on any process). */
async function player(gold: number, where?: (address: string) => boolean): Promise<{ tab: PlayerConnection; address: string }> {
  for (let i = 0; i < 20; i++) {
    const url = fx.servers[i % 2]!.url;
    const me = await signInGuest(url);
    await fundNewPlayer(fx.db.url, me.userId, gold);
    const tab = await joinPlayerRoom(url, me.token);
    const address = await processOf(tab.room.roomId);
    if (!where || where(address)) return { tab, address };
    await tab.leave();
  }
  throw new Error('no player room was created where it was wanted');
}

function withPotionPrice(amount: number): Economy {
  const economy = structuredClone(defaultEconomy);
  economy.shop['health-potion']!.price.amount = amount;
  return economy;
}

/** Gems at `gemsPer100Gold` for 100 gold, sold back at a rate that keeps every loop losing. */
function gemsAt(gemsPer100Gold: number): Economy {
  const economy = withGems();
  economy.exchange = [
    { from: 'gold', to: GEMS, give: 100, get: gemsPer100Gold },
    { from: GEMS, to: 'gold', give: 1, get: Math.floor(90 / gemsPer100Gold) },
  ];
  return economy;
}

const exchange = (tab: PlayerConnection, id = newId()) => tab.send(CommandType.walletExchange, { from: 'gold', to: GEMS, amount: 100 }, id);

test('a version published through one process is in force on every process within a second', async () => {
  for (const server of fx.servers) assert.equal((await economyAt(server.url)).version, 1);
  for (const [i, price] of [45, 40].entries()) {
    const version = await publish(withPotionPrice(price));
    assert.equal(version, 2 + i);
    const acked = Date.now();
    await Promise.all(
      fx.servers.map((server) =>
        waitFor(async () => {
          const seen = await economyAt(server.url);
          return seen.version === version && seen.economy.shop['health-potion']!.price.amount === price;
        }, 1_000, 10),
      ),
    );
    assert.ok(Date.now() - acked < 1_000, `every process serves version ${version} within a second of the ack`);
  }
});

test('a command on the other process is decided under the new version within a second of the ack', async () => {
  const adminAddress = await processOf((await admin()).room.roomId);
  const { tab, address } = await player(10_000, (a) => a !== adminAddress);
  assert.notEqual(address, adminAddress);
  // No gems in the economy yet: refused, nothing written.
  assert.equal(expectNack(await exchange(tab)).reason, 'UNKNOWN_CURRENCY');

  const version = await publish(gemsAt(1));
  const acked = Date.now();
  let result: WalletExchangeResult | undefined;
  await waitFor(async () => {
    const reply = await exchange(tab);
    if ('ack' in reply) result = reply.ack.result as WalletExchangeResult;
    return result !== undefined;
  }, 1_000, 10);
  assert.ok(Date.now() - acked < 1_000, 'decided under the new version within a second');
  assert.equal(result!.economyVersion, version);
  assert.equal(result!.received, 1);
  await tab.leave();
});

test('publishing during a burst: each command wholly under the old or the new version, never a mix; a bad document changes nothing', async () => {
  const before = await publish(gemsAt(1));
  await Promise.all(fx.servers.map((server) => waitFor(async () => (await economyAt(server.url)).version === before, 2_000, 10)));
  // Three players on each process.
  const players = await Promise.all(Array.from({ length: 6 }, (_, i) => player(1_000_000, (address) => address === `127.0.0.1:${fx.servers[i % 2]!.port}`)));
  assert.equal(new Set(players.map((p) => p.address)).size, 2, 'players on both processes');

  const acks = new Map<string, WalletExchangeResult>();
  const order = new Map<PlayerConnection, string[]>();
  let stop = false;
  const burst = players.map(async ({ tab }) => {
    const ids: string[] = [];
    order.set(tab, ids);
    while (!stop) {
      const id = newId();
      const result = expectAck(await exchange(tab, id)) as WalletExchangeResult;
      ids.push(id);
      acks.set(id, result);
    }
  });
  const acksUnder = (version: number) => [...acks.values()].filter((r) => r.economyVersion === version).length;
  await waitFor(async () => acksUnder(before) >= 30, 20_000, 10);

  // A bad document mid-burst: refused, nothing stored, the version in force unchanged.
  const bad = gemsAt(2);
  bad.exchange.push({ from: 'gold', to: 'rubies', give: 1, get: 1 });
  const refused = expectNack(await (await admin()).send(AdminCommandType.economyPublish, { economy: bad }));
  assert.deepEqual(refused.details?.map((d) => d.path), ['exchange.2.to']);
  const afterBad = acks.size;
  await waitFor(async () => acks.size >= afterBad + 20, 20_000, 10);
  assert.equal(acksUnder(before + 1), 0, 'no command was decided under a refused document');

  const after = await publish(gemsAt(2));
  assert.equal(after, before + 1);
  await waitFor(async () => acksUnder(after) >= 30, 20_000, 10);
  stop = true;
  await Promise.all(burst);

  const rates = { [before]: 1, [after]: 2 };
  const versions = await queryRows<{ command_id: string; economy_version: number | null; currency: string; amount: string }>(
    fx.db.url,
    `SELECT command_id, economy_version, currency, amount FROM transfers WHERE command_id = ANY($1)`,
    [[...acks.keys()]],
  );
  for (const [id, result] of acks) {
    assert.ok(result.economyVersion === before || result.economyVersion === after, `command ${id} under version ${result.economyVersion}`);
    assert.equal(result.received, rates[result.economyVersion], `command ${id}: the rate of the version it names`);
    const legs = versions.filter((t) => t.command_id === id);
    assert.equal(legs.length, 2, `command ${id}: two transfers`);
    for (const leg of legs) assert.equal(leg.economy_version, result.economyVersion, `command ${id}: its transfers record the version its result names`);
    assert.equal(Number(legs.find((leg) => leg.currency === GEMS)!.amount), result.received);
  }
  // Each player's commands switch once, from the old version to the new, never back.
  for (const ids of order.values()) {
    const seen = ids.map((id) => acks.get(id)!.economyVersion);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'one player: the old version, then the new, never back');
  }
  await Promise.all(players.map(({ tab }) => tab.leave()));
});

/** The default economy with a limited offer `raffle-ticket` (stock 40, 5 per player) at `price` gold. */
function withTickets(price: number): Economy {
  const economy = structuredClone(defaultEconomy);
  economy.shop['raffle-ticket'] = { name: 'Raffle ticket', price: { currency: 'gold', amount: price }, grants: { items: { 'raffle-ticket': 1 } }, stock: 40, perPlayer: 5, startsAt: null, endsAt: null };
  return economy;
}

test('purchases during a publish: each pays the price of the version it names, and stock and per-player limits carry across', async () => {
  const before = await publish(withTickets(10));
  await Promise.all(fx.servers.map((server) => waitFor(async () => (await economyAt(server.url)).version === before, 2_000, 10)));
  // Ten players, five on each process, each buying tickets one at a time until refused: 50 wanted, 40 in stock.
  const players = await Promise.all(Array.from({ length: 10 }, (_, i) => player(1_000_000, (address) => address === `127.0.0.1:${fx.servers[i % 2]!.port}`)));
  const acks = new Map<string, ShopBuyResult>();
  const refusals: string[] = [];
  let published: Promise<number> | undefined;
  const burst = players.map(async ({ tab }) => {
    for (;;) {
      const id = newId();
      const reply = await tab.send(CommandType.shopBuy, { itemId: 'raffle-ticket', qty: 1 }, id);
      if ('nack' in reply) {
        refusals.push(reply.nack.reason ?? reply.nack.code);
        return;
      }
      acks.set(id, reply.ack.result as ShopBuyResult);
      // The price changes once, mid-burst.
      if (acks.size === 10) published ??= publish(withTickets(25));
    }
  });
  await Promise.all(burst);
  const after = await published!;
  assert.equal(after, before + 1);

  const prices = { [before]: 10, [after]: 25 };
  const paid = await queryRows<{ command_id: string; amount: string; economy_version: number }>(
    fx.db.url,
    `SELECT command_id, amount, economy_version FROM transfers WHERE command_id = ANY($1) AND reason = 'shop.buy'`,
    [[...acks.keys()]],
  );
  assert.equal(paid.length, acks.size, 'one price transfer per purchase');
  for (const t of paid) {
    const result = acks.get(t.command_id)!;
    assert.equal(t.economy_version, result.economyVersion, `purchase ${t.command_id}: its transfer records the version its result names`);
    assert.equal(Number(t.amount), prices[result.economyVersion], `purchase ${t.command_id}: the price of version ${result.economyVersion}`);
  }
  assert.ok([...acks.values()].some((r) => r.economyVersion === before) && [...acks.values()].some((r) => r.economyVersion === after), 'purchases under both versions');
  assert.equal(acks.size, 40, 'exactly the stock sold, across the publish');
  assert.equal(refusals.length, 10);
  assert.ok(refusals.every((r) => r === 'SOLD_OUT' || r === 'NOT_ENOUGH_STOCK' || r === 'PURCHASE_LIMIT'), refusals.join());
  const perPlayer = await queryRows<{ bought: number }>(fx.db.url, `SELECT coalesce((purchases->>'raffle-ticket')::int, 0) AS bought FROM players WHERE user_id = ANY($1)`, [players.map((p) => p.tab.room.state.userId)]);
  assert.ok(perPlayer.every((p) => p.bought <= 5), 'no player bought more than the per-player limit');
  assert.equal(perPlayer.reduce((sum, p) => sum + p.bought, 0), 40);
  await Promise.all(players.map(({ tab }) => tab.leave()));
});
