// kill -9 during a burst of game.rps from many users: after the restart every acknowledged command
// is in the ledger exactly once, nothing unacknowledged is half-applied, and the ledger balances.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { expectAck, joinPlayerRoom, newId, signInGuest, type PlayerConnection } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';

const USERS = 20;
const IN_FLIGHT_PER_USER = 4;
const KILL_AFTER_ACKS = 300;

const fx = serverFixture('coffer_crash', { RATE_LIMIT_PER_SECOND: '10000' });

test('kill -9 mid-burst loses no acknowledged command and half-applies none', async () => {
  const players = await Promise.all(Array.from({ length: USERS }, () => signInGuest(fx.server.url)));
  const tabs = await Promise.all(players.map((p) => joinPlayerRoom(fx.server.url, p.token)));
  await Promise.all(tabs.map(async (t) => expectAck(await t.send(CommandType.streakClaim))));

  const acked = new Set<string>();
  const sent = new Set<string>();
  let killed: Promise<void> | undefined;
  const burst = async (tab: PlayerConnection) => {
    // Each user keeps a few commands in flight until the connection dies with the process.
    const gone = closed(tab);
    const lane = async () => {
      for (;;) {
        const id = newId();
        sent.add(id);
        const reply = await Promise.race([tab.send('game.rps', { bet: 1, hand: 'rock' }, id), gone]);
        if (reply === 'closed') return;
        if ('ack' in reply) acked.add(id);
        if (acked.size >= KILL_AFTER_ACKS) killed ??= fx.server.kill();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT_PER_USER }, lane));
  };
  await Promise.all(tabs.map(burst));
  await killed;
  assert.ok(acked.size >= KILL_AFTER_ACKS, `the burst got ${acked.size} acks before the kill`);
  assert.ok(sent.size > acked.size, 'commands were in flight when the process died');

  await fx.restart();
  const stored = new Set((await queryRows<{ command_id: string }>(fx.db.url, 'SELECT command_id FROM command_results')).map((r) => r.command_id));
  for (const id of acked) assert.ok(stored.has(id), `acknowledged command ${id} is durable`);

  // All or nothing per command: a stored reply has exactly its bet transfer, a missing one none.
  const bets = await queryRows<{ command_id: string; n: string }>(fx.db.url, `SELECT command_id, count(*) AS n FROM transfers WHERE reason = 'game.rps.bet' GROUP BY command_id`);
  const betCount = new Map(bets.map((b) => [b.command_id, Number(b.n)]));
  for (const id of sent) assert.equal(betCount.get(id) ?? 0, stored.has(id) ? 1 : 0, `command ${id} is applied all or nothing`);
  await assertLedgerHolds(fx.db.url);

  // Clients retry what was never answered: each id takes effect exactly once in the end.
  const unanswered = [...sent].filter((id) => !acked.has(id));
  const userOf = await queryRows<{ command_id: string; actor: string }>(fx.db.url, 'SELECT command_id, actor FROM command_results');
  const rejoined = await Promise.all(players.map((p) => joinPlayerRoom(fx.server.url, p.token)));
  const byUser = new Map(players.map((p, i) => [p.userId, rejoined[i]]));
  const actor = new Map(userOf.map((r) => [r.command_id, r.actor]));
  for (const id of unanswered) {
    const tab = byUser.get(actor.get(id) ?? '') ?? rejoined[0];
    expectAck(await tab.send('game.rps', { bet: 1, hand: 'rock' }, id));
  }
  const after = await queryRows<{ command_id: string; n: string }>(fx.db.url, `SELECT command_id, count(*) AS n FROM transfers WHERE reason = 'game.rps.bet' GROUP BY command_id HAVING count(*) > 1`);
  assert.deepEqual(after, [], 'no command applied twice');
  await assertLedgerHolds(fx.db.url);
  await Promise.all(rejoined.map((t) => t.leave()));
});

function closed(tab: PlayerConnection): Promise<'closed'> {
  return new Promise((resolve) => {
    tab.room.onLeave.once(() => resolve('closed'));
    tab.room.onDrop.once(() => resolve('closed'));
  });
}
