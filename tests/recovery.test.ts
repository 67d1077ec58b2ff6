// INV-3 (docs/ARCHITECTURE.md): a mutation the database refuses (here a CHECK, because the balance changed
// behind the room's back) is nacked UNAVAILABLE, the room reloads from the database under a new
// epoch (crash-only recovery) and goes on serving with the committed truth.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { CloseCode } from '../shared/protocol.ts';
import { expectAck, expectNack, joinPlayerRoom, newId, signInGuest } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { bookTransfer, queryRows } from './support/ledger.ts';

const fx = serverFixture('coffer_recovery', {});

/** Test-only SQL: a ledger-consistent debit the room does not know about. */
async function debitBehindTheRoom(userId: string, amount: number): Promise<void> {
  await bookTransfer(fx.db.url, { from: userId, to: 'house', amount, reason: 'test.out-of-band' });
}

test('a refused commit is nacked UNAVAILABLE and the room reloads the committed state', async () => {
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  expectAck(await tab.send(CommandType.streakClaim));
  await debitBehindTheRoom(me.userId, 100);

  // The room still believes in 100 more gold than the database holds. Betting everything it
  // believes in: a win or a draw commits (the database stays >= 0), the first loss would take the
  // account below zero and the CHECK refuses it.
  let believed = 100;
  let id = newId();
  let refused;
  for (let round = 0; round < 60 && !refused; round++) {
    id = newId();
    const reply = await tab.send('game.rps', { bet: believed, hand: 'rock' }, id);
    if ('nack' in reply) refused = reply.nack;
    else believed = reply.ack.result.balance;
  }
  assert.ok(refused, 'a loss came within 60 rounds');
  assert.equal(refused.code, 'UNAVAILABLE');
  assert.equal(refused.retryable, true);
  const truth = believed - 100;
  await tab.waitForState((s) => s.balance === truth);
  const [{ epoch }] = await queryRows<{ epoch: string }>(fx.db.url, 'SELECT epoch FROM accounts WHERE id = $1', [me.userId]);
  assert.equal(Number(epoch), 2, 'the room reloaded under a new epoch');

  // The retry is judged against the reloaded truth, and the room keeps serving.
  assert.equal(expectNack(await tab.send('game.rps', { bet: believed, hand: 'rock' }, id)).code, 'INSUFFICIENT_FUNDS');
  const [{ balance }] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [me.userId]);
  assert.equal(Number(balance), truth);
  assert.deepEqual(await queryRows(fx.db.url, 'SELECT * FROM command_results WHERE command_id = $1', [id]), []);
  await tab.leave();
});

test('SIGTERM acknowledges what is in flight, closes clients with the reconnect code and exits 0', async () => {
  const me = await signInGuest(fx.server.url);
  const tab = await joinPlayerRoom(fx.server.url, me.token);
  expectAck(await tab.send(CommandType.streakClaim));
  const closed = new Promise<number>((resolve) => tab.room.onLeave((code) => resolve(code)));
  const inFlight = Array.from({ length: 20 }, () => tab.send('game.rps', { bet: 1, hand: 'rock' }));
  const exited = fx.server.stop();
  assert.equal(await closed, CloseCode.RECONNECT);
  assert.equal(await exited, 0);
  // What was acknowledged before the socket closed is in the ledger; the rest the client retries.
  const replies = await Promise.all(inFlight.map((r) => Promise.race([r, Promise.resolve(null)])));
  const acked = replies.filter((r) => r && 'ack' in r).map((r) => (r as { ack: { id: string } }).ack.id);
  assert.ok(acked.length > 0, 'commands in flight at SIGTERM were acknowledged');
  for (const id of acked) assert.equal((await queryRows(fx.db.url, 'SELECT 1 FROM command_results WHERE command_id = $1', [id])).length, 1);
  await fx.restart();
});
