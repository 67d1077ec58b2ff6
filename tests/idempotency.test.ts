// INV-4, docs/PROTOCOL.md "Commands": one effect per id, the stored reply on retry (also after a restart),
// IDEMPOTENCY_MISMATCH for a reused id, and bad input rejected with nothing written.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandType, MAX_BET } from '../shared/commands.ts';
import { expectAck, expectNack, joinPlayerRoom, newId, signInGuest, type PlayerConnection } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';

const fx = serverFixture('coffer_idem', { RATE_LIMIT_PER_SECOND: '100000' });

async function rowCounts(userId: string) {
  const [row] = await queryRows<Record<string, string>>(
    fx.db.url,
    `SELECT (SELECT count(*) FROM transfers WHERE from_account = $1 OR to_account = $1) AS transfers,
            (SELECT count(*) FROM outbox WHERE stream = 'player:' || $1) AS outbox,
            (SELECT count(*) FROM command_results WHERE actor = $1) AS replies,
            (SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance) AS balance`,
    [userId],
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

describe('idempotency', () => {
  test('a retried id returns the stored reply and has one effect, also when sent twice at once', async () => {
    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    const claimId = newId();
    const first = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    const retry = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    assert.deepEqual(retry, first);

    const gameId = newId();
    const [a, b] = await Promise.all([tab.send('game.rps', { bet: 7, hand: 'rock' }, gameId), tab.send('game.rps', { bet: 7, hand: 'rock' }, gameId)]);
    assert.deepEqual(expectAck(b), expectAck(a));
    const rows = await queryRows(fx.db.url, 'SELECT * FROM transfers WHERE command_id = $1 AND reason = $2', [gameId, 'game.rps.bet']);
    assert.equal(rows.length, 1, 'one bet transfer for the id');
    await tab.leave();
  });

  test('the same id with another payload gets IDEMPOTENCY_MISMATCH and changes nothing', async () => {
    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    const id = newId();
    expectAck(await tab.send('game.rps', { bet: 3, hand: 'rock' }, id));
    const before = await rowCounts(me.userId);
    const mismatch = expectNack(await tab.send('game.rps', { bet: 4, hand: 'rock' }, id));
    assert.equal(mismatch.code, 'IDEMPOTENCY_MISMATCH');
    assert.equal(mismatch.retryable, false);
    const otherType = expectNack(await tab.send(CommandType.streakClaim, {}, id));
    assert.equal(otherType.code, 'IDEMPOTENCY_MISMATCH');
    assert.deepEqual(await rowCounts(me.userId), before);
    await tab.leave();
  });

  test('bad input is refused with INVALID_INPUT naming the field, and nothing is written', async () => {
    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    expectAck(await tab.send(CommandType.streakClaim));
    const before = await rowCounts(me.userId);
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['missing bet', { hand: 'rock' }, /bet/],
      ['string bet', { bet: '5', hand: 'rock' }, /bet/],
      ['negative bet', { bet: -5, hand: 'rock' }, /bet/],
      ['zero bet', { bet: 0, hand: 'rock' }, /bet/],
      ['fractional bet', { bet: 1.5, hand: 'rock' }, /bet/],
      ['huge bet', { bet: MAX_BET + 1, hand: 'rock' }, /bet/],
      ['bad hand', { bet: 1, hand: 'lizard' }, /hand/],
      ['extra field', { bet: 1, hand: 'rock', cheat: true }, /cheat/],
    ];
    for (const [name, fields, field] of cases) {
      const nack = expectNack(await tab.send('game.rps', fields));
      assert.equal(nack.code, 'INVALID_INPUT', name);
      assert.match(nack.message, field, name);
      assert.equal(nack.retryable, false, name);
    }
    const badId = expectNack(await tab.sendRaw('game.rps', { id: 'x', bet: 1, hand: 'rock' }, ''));
    assert.equal(badId.code, 'INVALID_INPUT');
    assert.match(badId.message, /id/);
    const unknown = expectNack(await tab.send('game.poker', { bet: 1 }));
    assert.equal(unknown.code, 'INVALID_INPUT');
    assert.match(unknown.message, /game\.poker/);

    const broke = expectNack(await tab.send('game.rps', { bet: 101, hand: 'rock' }));
    assert.equal(broke.code, 'INSUFFICIENT_FUNDS');
    assert.match(broke.message, /bet/);
    assert.deepEqual(await rowCounts(me.userId), before, 'nothing was written');
    await tab.waitForState((s) => s.balance === 100);
    await tab.leave();
  });

  test('ids older than the replies a room keeps in memory still get their stored reply', async () => {
    const me = await signInGuest(fx.server.url);
    const tab = await joinPlayerRoom(fx.server.url, me.token);
    const claimId = newId();
    const claim = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    const firstGameId = newId();
    const firstGame = expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }, firstGameId));
    // Push both out of the room's bounded memory (RECENT_REPLIES = 1024).
    for (let chunk = 0; chunk < 11; chunk++) {
      await Promise.all(Array.from({ length: 100 }, async () => expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }))));
    }
    const before = await rowCounts(me.userId);
    assert.deepEqual(expectAck(await tab.send(CommandType.streakClaim, {}, claimId)), claim, 'not CONFLICT: the stored reply');
    assert.deepEqual(expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }, firstGameId)), firstGame);
    assert.equal(expectNack(await tab.send('game.rps', { bet: 2, hand: 'paper' }, firstGameId)).code, 'IDEMPOTENCY_MISMATCH');
    assert.deepEqual(await rowCounts(me.userId), before, 'no second effect');
    expectAck(await tab.send('game.rps', { bet: 1, hand: 'paper' }));
    await tab.leave();
  });

  test('a retry after a server restart returns the original reply with no second effect', async () => {
    const me = await signInGuest(fx.server.url);
    let tab: PlayerConnection = await joinPlayerRoom(fx.server.url, me.token);
    const claimId = newId();
    const gameId = newId();
    const claim = expectAck(await tab.send(CommandType.streakClaim, {}, claimId));
    const game = expectAck(await tab.send('game.rps', { bet: 10, hand: 'scissors' }, gameId));
    const before = await rowCounts(me.userId);

    assert.equal(await fx.server.stop(), 0, 'SIGTERM exits 0');
    await fx.restart();
    tab = await joinPlayerRoom(fx.server.url, me.token);
    await tab.waitForState((s) => s.balance === game.balance);
    assert.deepEqual(expectAck(await tab.send(CommandType.streakClaim, {}, claimId)), claim);
    assert.deepEqual(expectAck(await tab.send('game.rps', { bet: 10, hand: 'scissors' }, gameId)), game);
    assert.equal(expectNack(await tab.send('game.rps', { bet: 11, hand: 'scissors' }, gameId)).code, 'IDEMPOTENCY_MISMATCH');
    assert.deepEqual(await rowCounts(me.userId), before);
    await tab.leave();
  });
});
