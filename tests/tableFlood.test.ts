// One account against a shared room (docs/PROTOCOL.md, "Limits"): with many sockets flooding a
// crash table with cash-outs (and bets) and events.sync it froze the table for everyone (another player's bet
// got no reply in 15 s; a 2 s betting phase lasted 28 s), and pulled 13-24 MB/s of events.sync.
// Now the account's commands and sync bytes are budgeted per table, the table's phase commits go
// before players' commands, and commands per address are budgeted across accounts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { CloseCode, crashStream, RoomName } from '../shared/protocol.ts';
import { CrashState } from '../shared/state.ts';
import { expectAck, joinRoom, newId, signInGuest, type Reply } from './support/client.ts';
import { crashTableWith } from './support/crashTables.ts';
import { serverFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { RawRoom } from './support/rawRoom.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { waitFor, within } from './support/wait.ts';

/** Commands per address: above one account's 100, below four accounts' worth. */
const ADDRESS_BUDGET = 150;
const env = {
  TRUSTED_PROXIES: '127.0.0.1,::1',
  // Short rounds, so a test sees several of them.
  CRASH_BETTING_MS: '500',
  CRASH_PAUSE_MS: '100',
  CRASH_GROWTH_PER_SECOND: '10',
  // Sockets are not what limits the flood: it is the account's budget (100/s, the default).
  RATE_LIMIT_PER_SECOND: '100000',
  USER_COMMANDS_PER_SECOND: '100',
  // The smallest events.sync budget: a few replies of a table's stream spend it.
  SYNC_BYTES_PER_SECOND: '1024',
  ADDRESS_COMMANDS_PER_SECOND: String(ADDRESS_BUDGET),
};
const fx = serverFixture('table_flood', env);

let nextAddress = 1;
/** A fresh client address, as the trusted proxy (loopback) reports it. */
const address = () => `198.51.100.${nextAddress++}`;

async function sockets(url: string, token: string, table: string, count: number, from: string): Promise<RawRoom[]> {
  return Promise.all(Array.from({ length: count }, () => RawRoom.join(url, RoomName.crash, token, { table }, { 'x-forwarded-for': from })));
}

const nacked = (replies: Reply[], code: string, message?: RegExp) => replies.filter((r) => 'nack' in r && r.nack.code === code && (!message || message.test(r.nack.message))).length;

test("one account flooding a crash table with cash-outs, bets and events.sync: another player's bet is acked, its phases keep their length, the flood is refused RATE_LIMITED and closed", async () => {
  await crashTableWith(fx.db.url, 't-flood', []);
  const [flooder, victim] = await Promise.all([signInGuest(fx.server.url), signInGuest(fx.server.url)]);
  await fundNewPlayer(fx.db.url, victim.userId, 1_000);
  const table = await joinRoom(fx.server.url, victim.token, RoomName.crash, CrashState, { table: 't-flood' });
  const flood = await sockets(fx.server.url, flooder.token, 't-flood', 16, address());
  await table.waitForState((s) => s.phase === 'betting' && s.seedHash !== '');
  // Each round's betting phase as the table ran it (its own clock): when it was to end, and when
  // the round started running (after the phase commits it waited for).
  const rounds = new Map<number, { endsAt: number; startedAt?: number }>();
  table.room.onStateChange((s) => {
    if (s.phase === 'betting' && !rounds.has(s.roundId)) rounds.set(s.roundId, { endsAt: s.phaseAt });
    const round = rounds.get(s.roundId);
    if (s.phase === 'running' && round && round.startedAt === undefined) round.startedAt = s.phaseAt;
  });

  // 16 sockets x 10 messages every 50 ms: 3,200 a second. Cash-outs without a bet and bets without
  // gold (each refused, but only in the table's turn, a bet after asking the player's room for the
  // stake), and events.sync from the start of the stream.
  const messages: Array<() => [string, Record<string, unknown>]> = [
    () => [CrashCommandType.cashout, { id: newId() }],
    () => [CrashCommandType.bet, { id: newId(), amount: 10 }],
    () => [CrashCommandType.eventsSync, { id: newId(), afterSeq: 0 }],
  ];
  let n = 0;
  const timer = setInterval(() => {
    for (const socket of flood) {
      for (let i = 0; i < 10; i++, n++) {
        if (socket.socket.readyState !== socket.socket.OPEN) continue;
        socket.send(...messages[n % messages.length]!());
      }
    }
  }, 50);
  const floodRound = table.state.roundId;
  try {
    // The next betting phase, opened while the flood runs; another player bets in it.
    await waitFor(async () => table.state.phase === 'betting' && table.state.roundId > floodRound, 20_000);
    const bet = await within(table.send(CrashCommandType.bet, { amount: 10 }), 20_000, "the other player's bet was answered");
    assert.equal(expectAck(bet).roundId, table.state.roundId);
    // The table keeps its phases: three more rounds open, bet, run and crash under the flood (each
    // lasts about 1 s; the flood froze one for 28 s).
    const betRound = table.state.roundId;
    await waitFor(async () => table.state.roundId >= betRound + 3, 20_000);
  } finally {
    clearInterval(timer);
  }
  // Every betting phase that opened under the flood ended within 3x its configured length (the
  // flood stretched a 2 s one to 28 s): its round started running at most 2x late.
  const flooded = [...rounds.entries()].filter(([roundId, round]) => roundId > floodRound && round.startedAt !== undefined);
  assert.ok(flooded.length >= 3, `${flooded.length} rounds ran under the flood`);
  const bettingMs = Number(env.CRASH_BETTING_MS);
  for (const [roundId, round] of flooded) assert.ok(round.startedAt! - round.endsAt < 2 * bettingMs, `round ${roundId}'s betting phase lasted ${round.startedAt! - round.endsAt + bettingMs} ms`);
  const replies = flood.flatMap((socket) => socket.replies);
  assert.ok(nacked(replies, 'RATE_LIMITED', /from this account/) > 0, 'the flood was refused RATE_LIMITED per account');
  const closes = await Promise.all(flood.map((socket) => within(socket.closed, 10_000, 'the flooding socket was closed')));
  assert.ok(closes.some((c) => c.code === CloseCode.RATE_LIMITED), `flooding sockets closed ${CloseCode.RATE_LIMITED}: ${JSON.stringify(closes.slice(0, 3))}`);
  await table.leave();
});

test('events.sync at a crash table: bytes per account per table, across its sockets; another account still syncs', async () => {
  await crashTableWith(fx.db.url, 't-sync', []);
  const [puller, other] = await Promise.all([signInGuest(fx.server.url), signInGuest(fx.server.url)]);
  const [a, b] = await sockets(fx.server.url, puller.token, 't-sync', 2, address());
  const sync = async (socket: RawRoom) => {
    const id = newId();
    const reply = socket.reply(id);
    socket.send(CrashCommandType.eventsSync, { id, afterSeq: 0 });
    return reply;
  };
  // The table's stream grows by its rounds' events until one reply is several times the budget.
  await waitFor(async () => {
    const [row] = await queryRows<{ bytes: string }>(fx.db.url, `SELECT coalesce(sum(length(payload::text) + 60), 0) AS bytes FROM outbox WHERE stream = $1`, [crashStream('t-sync')]);
    return Number(row.bytes) > 4 * 1024;
  }, 30_000);
  const first = await sync(a);
  assert.ok(JSON.stringify(expectAck(first).events).length > 3 * 1024);
  // The budget (1,024 bytes a second, refilled evenly) is spent for the next few seconds, for
  // every socket of the account.
  const replies = await Promise.all([sync(b), sync(a), sync(b)]);
  assert.deepEqual(replies.map((r) => ('ack' in r ? 'ack' : r.nack.code)), ['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  assert.equal(nacked(replies, 'RATE_LIMITED', /events\.sync replies are limited/), 3);
  const [elsewhere] = await sockets(fx.server.url, other.token, 't-sync', 1, address());
  expectAck(await sync(elsewhere));
  for (const socket of [a, b, elsewhere]) socket.close();
});

const servers: RunningServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

for (const transport of ['default', 'ws'] as const) {
  test(`commands per address across its accounts (${transport} transport): past ADDRESS_COMMANDS_PER_SECOND RATE_LIMITED, another address unaffected`, async () => {
    let server = fx.server;
    if (transport === 'ws') {
      server = await startServer({ DATABASE_URL: fx.db.url, ...env, TRANSPORT: 'ws' });
      servers.push(server);
    }
    const from = address();
    const accounts = await Promise.all(Array.from({ length: 4 }, () => signInGuest(server.url)));
    const tabs = (await Promise.all(accounts.map((account) => sockets(server.url, account.token, 'main', 1, from)))).flat();
    // Each account under its own budget (60 of 100), together past the address' 150.
    for (const tab of tabs) for (let i = 0; i < 60; i++) tab.send('noop.ping', { id: `addr-${i}-${newId()}` });
    await waitFor(async () => tabs.every((tab) => tab.replies.length === 60), 10_000);
    const replies = tabs.flatMap((tab) => tab.replies);
    const limited = nacked(replies, 'RATE_LIMITED', /from this address/);
    assert.ok(limited >= 240 - ADDRESS_BUDGET, `${limited} of 240 refused for the address`);
    assert.equal(nacked(replies, 'RATE_LIMITED', /from this account/), 0, 'no account was over its own budget');
    assert.equal(nacked(replies, 'INVALID_INPUT') + limited, 240, 'the others were answered as usual');
    // Another address, meanwhile, is served.
    const [elsewhere] = await sockets(server.url, (await signInGuest(server.url)).token, 'main', 1, address());
    for (let i = 0; i < 20; i++) elsewhere.send('noop.ping', { id: `else-${i}-${newId()}` });
    await waitFor(async () => elsewhere.replies.length === 20, 10_000);
    assert.equal(nacked(elsewhere.replies, 'INVALID_INPUT'), 20);
    for (const tab of [...tabs, elsewhere]) tab.close();
  });
}
