// Effects are timely: what another room owes a player (a bounty, a crash payout) reaches
// an online owner's wallet at once when its direct delivery works, and within EFFECT_SWEEP_SECONDS
// of its commit when that delivery was lost. A delivery that hangs must not hold back the sweeps of
// other players: before, one such call kept every later sweep from starting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../server/observability/logger.ts';
import { startEffectSweeper } from '../server/jobs/effectSweeper.ts';
import { joinPlayerRoom, signInGuest } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { openStore, type Store } from './support/store.ts';
import { waitFor } from './support/wait.ts';

const SWEEP_SECONDS = 3;

/** An effect committed by another room whose direct delivery never came (its process died). */
async function owe(databaseUrl: string, key: string, userId: string, gold: number): Promise<void> {
  await queryRows(databaseUrl, `INSERT INTO effects (key, user_id, from_account, currency, gold, xp, reason, ref) VALUES ($1, $2, 'bounty', 'gold', $3, 0, 'task.bounty', $1)`, [key, userId, gold]);
}

describe('a lost delivery, on a real server', () => {
  const fx = serverFixture('coffer_effects', { EFFECT_SWEEP_SECONDS: String(SWEEP_SECONDS) });

  test(`reaches the online owner's wallet within EFFECT_SWEEP_SECONDS (${SWEEP_SECONDS} s) of its commit`, async () => {
    const me = await signInGuest(fx.server.url);
    const wallet = await joinPlayerRoom(fx.server.url, me.token);
    await owe(fx.db.url, 'lost-bounty-1', me.userId, 25);
    await wallet.waitForState((s) => s.balance === 25);
    // Measured by the database's own clock, from the effect's commit to its application.
    const [row] = await queryRows<{ seconds: number }>(fx.db.url, `SELECT extract(epoch FROM applied_at - created_at)::float8 AS seconds FROM effects WHERE key = 'lost-bounty-1'`);
    assert.ok(row.seconds <= SWEEP_SECONDS, `applied ${row.seconds.toFixed(2)} s after its commit`);
    const paid = await queryRows(fx.db.url, `SELECT 1 FROM transfers WHERE to_account = $1 AND reason = 'task.bounty'`, [me.userId]);
    assert.equal(paid.length, 1, 'paid once');
    await wallet.leave();
  });
});

describe('the sweeper, driven directly', () => {
  let store: Store;

  before(async () => {
    store = await openStore('coffer_sweeper');
  });
  after(async () => {
    await store?.close();
  });

  test("a delivery that hangs holds back only its own player, never the next sweeps", async () => {
    await queryRows(store.db.url, `INSERT INTO accounts (id, kind) VALUES ('p-stuck', 'player'), ('p-later', 'player')`);
    const calls: string[] = [];
    const sweeper = startEffectSweeper(store.orm, createLogger('silent'), 600, (userId) => {
      calls.push(userId);
      // p-stuck's room never answers.
      return userId === 'p-stuck' ? new Promise(() => undefined) : Promise.resolve();
    });
    try {
      await owe(store.db.url, 'stuck-1', 'p-stuck', 5);
      await waitFor(async () => calls.includes('p-stuck'));
      await owe(store.db.url, 'later-1', 'p-later', 5);
      await waitFor(async () => calls.includes('p-later'));
      // The hanging delivery is not started again alongside itself.
      assert.equal(calls.filter((u) => u === 'p-stuck').length, 1);
    } finally {
      sweeper.stop();
    }
  });
});
