// Crash points: the process dies (SIGKILL, from COFFER_FAULT) just before a command's batch
// commits, just after it committed but before the ack, and just after the ack. After a restart the
// client retries with the same id, and each time the command has exactly one effect in PostgreSQL:
// done by the retry when the crash came first, answered from the stored reply otherwise.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import type { FaultPoint } from '../server/faults.ts';
import { expectAck, joinPlayerRoom, signInGuest, type Reply } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';

const fx = serverFixture('coffer_crashpoints');

/** What one command id left in PostgreSQL. */
async function effectsOf(userId: string, commandId: string) {
  const results = await queryRows<{ reply: unknown }>(fx.db.url, 'SELECT reply FROM command_results WHERE actor = $1 AND command_id = $2', [userId, commandId]);
  const [{ transfers }] = await queryRows<{ transfers: string }>(fx.db.url, 'SELECT count(*) AS transfers FROM transfers WHERE command_id = $1', [commandId]);
  const [{ balance }] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [userId]);
  return { results, transfers: Number(transfers), balance: Number(balance) };
}

async function crashAt(point: FaultPoint) {
  const prefix = `crash-${point}-`;
  const me = await signInGuest(fx.server.url);
  // A server armed for this point only; its other commands (the claim below) are not hit.
  await fx.server.stop();
  const armed = await fx.restart({ COFFER_FAULT: `${point}:${prefix}` });
  const died = once(armed.proc, 'exit');
  const tab = await joinPlayerRoom(armed.url, me.token);
  tab.room.reconnection.enabled = false;
  expectAck(await tab.send(CommandType.streakClaim));
  const before = await effectsOf(me.userId, 'none');

  const id = `${prefix}${randomUUID()}`;
  const first = tab.send('game.rps', { bet: 10, hand: 'rock' }, id);
  const [, signal] = await died;
  assert.equal(signal, 'SIGKILL', 'the process killed itself at the crash point');
  assert.match(armed.output(), new RegExp(`COFFER_FAULT ${point} hit by command ${id}`));
  // Whatever reply arrived before the process died (none, for a crash before the ack).
  const answered = await Promise.race([first, Promise.resolve(null)]);
  return { me, id, before, first, answered: answered as Reply | null };
}

async function retryAfterRestart(userId: string, token: string, id: string): Promise<unknown> {
  const server = await fx.restart({ COFFER_FAULT: '' });
  const tab = await joinPlayerRoom(server.url, token);
  const result = expectAck(await tab.send('game.rps', { bet: 10, hand: 'rock' }, id));
  // A second retry is answered from the room's memory, still with no second effect.
  assert.deepEqual(expectAck(await tab.send('game.rps', { bet: 10, hand: 'rock' }, id)), result);
  await tab.leave();
  return result;
}

test('before-commit: nothing was written, the retry after the restart does it exactly once', async () => {
  const { me, id, before, answered } = await crashAt('before-commit');
  assert.equal(answered, null, 'no reply before the crash');
  const atCrash = await effectsOf(me.userId, id);
  assert.deepEqual(atCrash.results, [], 'no stored reply');
  assert.equal(atCrash.transfers, 0, 'no transfer');
  assert.equal(atCrash.balance, before.balance);

  const result = (await retryAfterRestart(me.userId, me.token, id)) as { balance: number };
  const after = await effectsOf(me.userId, id);
  assert.equal(after.results.length, 1, 'one stored reply');
  assert.deepEqual(after.results[0].reply, result);
  assert.ok(after.transfers >= 1 && after.transfers <= 2, 'the bet (and a payout on a win or draw), once');
  assert.equal(after.balance, result.balance);
});

test('after-commit: the commit survived, the retry returns the stored reply with no second effect', async () => {
  const { me, id, answered } = await crashAt('after-commit');
  assert.equal(answered, null, 'no ack: the process died between the commit and the ack');
  const atCrash = await effectsOf(me.userId, id);
  assert.equal(atCrash.results.length, 1, 'the reply was stored with the effect');

  const result = await retryAfterRestart(me.userId, me.token, id);
  assert.deepEqual(result, atCrash.results[0].reply, 'the retry is answered with the stored reply');
  assert.deepEqual(await effectsOf(me.userId, id), atCrash, 'no second effect');
});

test('after-ack: the client has its ack, and the retry after the restart returns the same reply', async () => {
  const { me, id, first } = await crashAt('after-ack');
  const answered = await first;
  assert.ok('ack' in answered, 'the ack reached the client before the crash');
  const atCrash = await effectsOf(me.userId, id);
  assert.equal(atCrash.results.length, 1);
  assert.deepEqual(atCrash.results[0].reply, answered.ack.result);

  const result = await retryAfterRestart(me.userId, me.token, id);
  assert.deepEqual(result, answered.ack.result);
  assert.deepEqual(await effectsOf(me.userId, id), atCrash, 'no second effect');
});
