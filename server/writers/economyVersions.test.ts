// The player writer decides each command under one economy version, read once when the command
// starts, and its transfers record that version (docs/ARCHITECTURE.md, INV-5): its own commands,
// commands other rooms send (an admin grant) and effects alike. The economy here publishes a new
// version at every read, each with another exchange rate, so a second read anywhere would show as
// a rate or a version that disagree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pLimit from 'p-limit';
import { CommandType } from '../../shared/commandNames.ts';
import type { PublishedEconomy } from '../../shared/economy.ts';
import { published, withGems } from '../../tests/support/economies.ts';
import { MemoryStore } from '../core/memoryStore.ts';
import type { Clock } from '../domain/clock.ts';
import { grantOf } from '../domain/grant.ts';
import type { EconomySource } from '../economy/source.ts';
import { createLogger } from '../observability/logger.ts';
import { PlayerWriter } from './playerWriter.ts';
import { RECENT_REPLIES } from './recentReplies.ts';

const clock: Clock = { now: () => Date.parse('2026-03-04T12:00:00Z') };
const seed = () => 'seed-0123456789abcdef0123456789abcdef';

/** Version n sells a gem for 10 × n gold. */
function publishingAtEveryRead(): EconomySource & { reads: number } {
  const source = {
    reads: 0,
    current(): PublishedEconomy {
      source.reads++;
      const economy = withGems();
      return published({ ...economy, exchange: [{ from: 'gold', to: 'gems', give: 10 * source.reads, get: 1 }] }, source.reads);
    },
  };
  return source;
}

test('a command, a grant from another room and an effect are each decided under one version, which their transfers record', async () => {
  const memory = new MemoryStore();
  const economy = publishingAtEveryRead();
  memory.owe([{ key: 'task:main:t1', userId: 'u-ver', fromAccount: 'bounty', currency: 'gems', amount: 3, xp: 0, reason: 'task.bounty', ref: 'board:main:t1' }]);
  const loaded = await memory.players.load('u-ver', 'u-ver', new Date(clock.now()), RECENT_REPLIES, seed);
  const writer = new PlayerWriter({ store: memory, pipeline: memory, clock, seeds: seed, logger: createLogger('silent'), syncReads: pLimit(1), economy }, loaded, {
    committed: () => undefined,
    reloaded: () => undefined,
    fenced: () => undefined,
  });

  const grant = await writer.handleInternal('grant:g-1', 'grant:1000:gift', (player, version) => grantOf(player, version.economy, { id: 'g-1', amount: 1_000, currency: 'gold', reason: 'gift' }));
  assert.ok('ack' in grant);
  assert.equal(economy.reads, 1);

  const reply = await writer.handle(CommandType.walletExchange, { id: 'exchange-0001', from: 'gold', to: 'gems', amount: 120 }, false);
  assert.ok('ack' in reply, JSON.stringify(reply));
  const result = reply.ack.result as { received: number; economyVersion: number };
  assert.equal(economy.reads, 2, 'read once for the command');
  assert.deepEqual([result.economyVersion, result.received], [2, 6], 'version 2 sells a gem for 20 gold');

  await writer.applyEffects();
  assert.equal(economy.reads, 3);

  assert.deepEqual(
    memory.transfersOf('u-ver').map((t) => [t.reason, t.currency, t.amount, t.economyVersion]),
    [
      ['admin.grant', 'gold', 1_000, 1],
      ['wallet.exchange', 'gold', 120, 2],
      ['wallet.exchange', 'gems', 6, 2],
      ['task.bounty', 'gems', 3, 3],
    ],
  );
  writer.dispose();
});
