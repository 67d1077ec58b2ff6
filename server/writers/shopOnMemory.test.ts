// shop.buy through the player writer on the in-memory store (server/core/memoryStore.ts), under a
// test economy with a second currency (gems): the offer comes from the economy version in force
// when the command starts, the stock left from storage, the purchase counts from the player. The
// same writer runs on PostgreSQL in tests/economy.test.ts and tests/shopRace.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pLimit from 'p-limit';
import { CommandType } from '../../shared/commandNames.ts';
import type { Economy, PublishedEconomy, ShopOffer } from '../../shared/economy.ts';
import { MemoryStore } from '../core/memoryStore.ts';
import type { Clock } from '../domain/clock.ts';
import { SystemAccount, transfer } from '../domain/ledger.ts';
import { defaultEconomy } from '../economy/defaultEconomy.ts';
import type { EconomySource } from '../economy/source.ts';
import { createLogger } from '../observability/logger.ts';
import { PlayerWriter } from './playerWriter.ts';
import { RECENT_REPLIES } from './recentReplies.ts';
import type { Reply } from './replies.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const logger = createLogger('silent');
const quiet = { committed: () => undefined, reloaded: () => undefined, fenced: () => undefined };
let seeds = 0;
const seed = () => `seed-${++seeds}-0123456789abcdef0123456789abcdef`;

const offer = (o: Partial<ShopOffer> & Pick<ShopOffer, 'name' | 'price' | 'grants'>): ShopOffer => ({ stock: null, perPlayer: null, startsAt: null, endsAt: null, ...o });
const TEST_SHOP: Economy['shop'] = {
  'gem-sword': offer({ name: 'Gem sword', price: { currency: 'gems', amount: 30 }, grants: { items: { 'gem-sword': 1 } } }),
  'starter-pack': offer({ name: 'Starter pack', price: { currency: 'gold', amount: 200 }, grants: { items: { 'health-potion': 3, 'mana-potion': 2 }, currencies: { gems: 25 } }, perPlayer: 2 }),
  'last-lamp': offer({ name: 'Last lamp', price: { currency: 'gold', amount: 10 }, grants: { items: { 'last-lamp': 1 } }, stock: 3 }),
  'flash-sale': offer({ name: 'Flash sale', price: { currency: 'gold', amount: 5 }, grants: { items: { 'health-potion': 1 } }, startsAt: '2026-06-01T12:00:00.000Z', endsAt: '2026-06-01T13:00:00.000Z' }),
};
const economy = (shop: Economy['shop'], version = 1): PublishedEconomy => ({
  version,
  economy: { ...defaultEconomy, currencies: { ...defaultEconomy.currencies, gems: { name: 'Gems', premium: true } }, shop },
  publishedAt: new Date(NOW).toISOString(),
  publishedBy: 'test',
});

/** An economy source an admin publishes to: `current()` is whatever was published last. */
function publishable(first: PublishedEconomy): EconomySource & { publish(next: PublishedEconomy): void } {
  let current = first;
  return { current: () => current, publish: (next) => void (current = next) };
}

/** A player whose account the mint funded, and the writer of their room. */
async function fundedWriter(memory: MemoryStore, userId: string, wallet: Record<string, number>, source: EconomySource = publishable(economy(TEST_SHOP)), clock: Clock = { now: () => NOW }): Promise<PlayerWriter> {
  const funding = await memory.players.load(userId, userId, new Date(NOW), 0, seed);
  const transfers = Object.entries(wallet).map(([currency, amount]) => transfer(SystemAccount.mint, userId, amount, currency, 'test.fund', null, null));
  await memory.submit({ writer: { account: userId, epoch: funding.epoch }, transfers, outbox: [], economyVersion: null });
  const loaded = await memory.players.load(userId, userId, new Date(NOW), RECENT_REPLIES, seed);
  return new PlayerWriter({ store: memory, pipeline: memory, clock, seeds: seed, logger, syncReads: pLimit(1), economy: source }, loaded, quiet);
}

const buy = (writer: PlayerWriter, id: string, itemId: string, qty = 1) => writer.handle(CommandType.shopBuy, { id, itemId, qty }, false);
const outcome = (reply: Reply) => ('ack' in reply ? { ack: reply.ack.result } : { nack: `${reply.nack.code}/${reply.nack.reason ?? ''}: ${reply.nack.message}` });
const acked = (reply: Reply) => {
  assert.ok('ack' in reply, JSON.stringify(reply));
  return reply.ack.result as Record<string, unknown>;
};

describe('shop.buy on the player writer', () => {
  test('a gem-priced offer is paid in gems; the result names the currency and the economy version', async () => {
    const memory = new MemoryStore();
    const writer = await fundedWriter(memory, 'u-gem', { gold: 100, gems: 50 });
    assert.deepEqual(acked(await buy(writer, 'buy-gem-sword-1', 'gem-sword')), { balance: 20, owned: 1, stockLeft: null, currency: 'gems', economyVersion: 1 });
    assert.deepEqual(outcome(await buy(writer, 'buy-gem-sword-2', 'gem-sword')), { nack: 'INSUFFICIENT_FUNDS/: price of 30 is more than your gems balance of 20' });
    const reloaded = await memory.players.load('u-gem', 'u-gem', new Date(NOW), 0, seed);
    assert.deepEqual(reloaded.player.wallet, { gold: 100, gems: 20 }, 'gold untouched');
    writer.dispose();
  });

  test('a bundle grants its items and its gems (from the mint) for its gold price, committed together', async () => {
    const memory = new MemoryStore();
    const writer = await fundedWriter(memory, 'u-pack', { gold: 500 });
    assert.deepEqual(acked(await buy(writer, 'buy-starter-001', 'starter-pack')), { balance: 300, owned: 1, stockLeft: null, currency: 'gold', economyVersion: 1 });
    const { player } = await memory.players.load('u-pack', 'u-pack', new Date(NOW), 0, seed);
    assert.deepEqual([player.wallet, player.inventory, player.purchases], [{ gold: 300, gems: 25 }, { 'health-potion': 3, 'mana-potion': 2 }, { 'starter-pack': 1 }]);
    const events = (await memory.streams.read('player:u-pack', 0)).events.map((e) => [e.type, e.data]);
    assert.deepEqual(events, [
      ['balance.changed', { delta: -200, balance: 300, currency: 'gold', reason: 'shop.buy', ref: 'starter-pack' }],
      ['balance.changed', { delta: 25, balance: 25, currency: 'gems', reason: 'shop.buy', ref: 'starter-pack' }],
      ['purchase.completed', { itemId: 'starter-pack', qty: 1, price: 200, currency: 'gold' }],
    ]);
    writer.dispose();
  });

  test('the per-player limit holds under concurrent purchases and retries, and across a new room', async () => {
    const memory = new MemoryStore();
    const writer = await fundedWriter(memory, 'u-limit', { gold: 5_000 });
    const ids = Array.from({ length: 5 }, (_, i) => `buy-limited-${i}00`);
    const replies = await Promise.all(ids.map((id) => buy(writer, id, 'starter-pack')));
    assert.equal(replies.filter((r) => 'ack' in r).length, 2, JSON.stringify(replies.map(outcome)));
    for (const refused of replies.filter((r) => 'nack' in r)) {
      assert.deepEqual(outcome(refused), { nack: 'CONFLICT/PURCHASE_LIMIT: itemId starter-pack is limited to 2 per player, and you have bought 2' });
    }
    // Retried: an acked id gets its first answer (counted once); a refused id is refused again.
    const first = ids[replies.findIndex((r) => 'ack' in r)];
    assert.deepEqual(await buy(writer, first, 'starter-pack'), replies[ids.indexOf(first)]);
    assert.equal(outcome(await buy(writer, ids[replies.findIndex((r) => 'nack' in r)], 'starter-pack')).nack?.includes('PURCHASE_LIMIT'), true);
    writer.dispose();
    // The counts were committed with the player: a new room (a reconnect, another process) holds them.
    const again = await fundedWriter(memory, 'u-limit', {});
    assert.match(outcome(await buy(again, 'buy-limited-after', 'starter-pack')).nack ?? '', /PURCHASE_LIMIT/);
    const { player } = await memory.players.load('u-limit', 'u-limit', new Date(NOW), 0, seed);
    assert.deepEqual([player.purchases, player.wallet], [{ 'starter-pack': 2 }, { gold: 4_600, gems: 50 }]);
    again.dispose();
  });

  test('the sale window: refused before it opens and once it has ended, sold in between', async () => {
    const memory = new MemoryStore();
    let now = Date.parse('2026-06-01T11:59:59.999Z');
    const writer = await fundedWriter(memory, 'u-window', { gold: 100 }, publishable(economy(TEST_SHOP)), { now: () => now });
    assert.deepEqual(outcome(await buy(writer, 'buy-flash-early', 'flash-sale')), { nack: 'CONFLICT/NOT_FOR_SALE: itemId flash-sale is not for sale before 2026-06-01T12:00:00.000Z' });
    now = Date.parse('2026-06-01T12:30:00Z');
    assert.equal(acked(await buy(writer, 'buy-flash-inside', 'flash-sale')).balance, 95);
    now = Date.parse('2026-06-01T13:00:00Z');
    assert.deepEqual(outcome(await buy(writer, 'buy-flash-late', 'flash-sale')), { nack: 'CONFLICT/NOT_FOR_SALE: itemId flash-sale is not for sale since 2026-06-01T13:00:00.000Z' });
    writer.dispose();
  });

  test('a publish changes the price from the next command on; the stock left and the purchase counts survive it', async () => {
    const memory = new MemoryStore();
    const source = publishable(economy(TEST_SHOP));
    const writer = await fundedWriter(memory, 'u-publish', { gold: 1_000 }, source);
    assert.deepEqual(acked(await buy(writer, 'buy-lamp-v1-001', 'last-lamp', 2)), { balance: 980, owned: 2, stockLeft: 1, currency: 'gold', economyVersion: 1 });
    acked(await buy(writer, 'buy-pack-v1-001', 'starter-pack'));
    source.publish(economy({ ...TEST_SHOP, 'last-lamp': { ...TEST_SHOP['last-lamp'], price: { currency: 'gold', amount: 7 }, stock: 100 } }, 2));
    assert.deepEqual(acked(await buy(writer, 'buy-lamp-v2-001', 'last-lamp')), { balance: 773, owned: 3, stockLeft: 0, currency: 'gold', economyVersion: 2 }, 'the new price, the old counter');
    assert.deepEqual(outcome(await buy(writer, 'buy-lamp-v2-002', 'last-lamp')), { nack: 'CONFLICT/SOLD_OUT: itemId last-lamp is sold out' });
    acked(await buy(writer, 'buy-pack-v2-001', 'starter-pack'));
    assert.match(outcome(await buy(writer, 'buy-pack-v2-002', 'starter-pack')).nack ?? '', /PURCHASE_LIMIT/, 'the purchase under version 1 counts');
    // An offer the new version no longer lists is not for sale.
    source.publish(economy({ 'gem-sword': TEST_SHOP['gem-sword'] }, 3));
    assert.deepEqual(outcome(await buy(writer, 'buy-lamp-v3-001', 'last-lamp')), { nack: 'NOT_FOUND/UNKNOWN_ITEM: itemId last-lamp is not in the shop catalog' });
    writer.dispose();
  });

  test('a command is decided under the version in force when it started, though a publish lands while it reads the stock', async () => {
    const memory = new MemoryStore();
    const source = publishable(economy(TEST_SHOP));
    const writer = await fundedWriter(memory, 'u-midway', { gold: 1_000 }, source);
    const read = memory.stock.left.bind(memory.stock);
    memory.stock.left = async (offerId) => {
      source.publish(economy({ ...TEST_SHOP, 'last-lamp': { ...TEST_SHOP['last-lamp'], price: { currency: 'gold', amount: 900 } } }, 2));
      return read(offerId);
    };
    assert.deepEqual(acked(await buy(writer, 'buy-lamp-midway1', 'last-lamp')), { balance: 990, owned: 1, stockLeft: 2, currency: 'gold', economyVersion: 1 });
    writer.dispose();
  });

  test('the stock of a limited offer cannot be read: UNAVAILABLE, retryable, nothing written', async () => {
    const memory = new MemoryStore();
    const writer = await fundedWriter(memory, 'u-down', { gold: 100 });
    memory.down = true;
    assert.deepEqual(outcome(await buy(writer, 'buy-lamp-down-01', 'last-lamp')), { nack: 'UNAVAILABLE/: the shop stock could not be read from storage; send the command again with the same id' });
    memory.down = false;
    assert.equal(await memory.stock.left('last-lamp'), undefined, 'no counter opened');
    assert.equal(acked(await buy(writer, 'buy-lamp-down-01', 'last-lamp')).stockLeft, 2, 'the retry with the same id is decided then');
    writer.dispose();
  });
});
