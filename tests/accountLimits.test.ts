// Continued from tests/abuse.test.ts on the same kind of server (tests/support/abuseFixture.ts):
// fairness between accounts (sockets per account, commands per account across its sockets, open
// WebSockets per address, the events.sync byte budget) and retention (replies and relayed events
// pruned, the ledger never, a snapshot answer instead of a gap).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminCommandType } from '../shared/commandNames.ts';
import { RoomName } from '../shared/protocol.ts';
import { expectAck, joinPlayerRoom, type Session } from './support/client.ts';
import { abuseFixture, MAX_CONNECTIONS, refusal } from './support/abuseFixture.ts';
import { queryRows } from './support/ledger.ts';
import { matchmake, RawRoom } from './support/rawRoom.ts';
import { waitFor } from './support/wait.ts';

/** Colyseus' LEAVE_ROOM protocol byte: a consented leave. */
const LEAVE_ROOM = 12;

const { fx, address, guest, adminTab } = abuseFixture('account_limits');

describe('fairness between accounts', () => {
  /** `count` raw sockets of `session` in its own player room, all "from" `from`. */
  async function sockets(session: Session, count: number, from: string): Promise<RawRoom[]> {
    const rooms: RawRoom[] = [];
    for (let i = 0; i < count; i++) rooms.push(await RawRoom.join(fx.server.url, RoomName.player, session.token, {}, { 'x-forwarded-for': from }));
    return rooms;
  }

  test('at most 8 sockets per account in player rooms: the 9th join is refused 429 RATE_LIMITED', async () => {
    const player = await guest();
    const open = await sockets(player, 8, address());
    const ninth = await matchmake(fx.server.url, RoomName.player, { token: player.token });
    assert.deepEqual(refusal(ninth), { status: 429, code: 'RATE_LIMITED' });
    // A tab that leaves (consented, as the SDK's leave() does) frees its place, and so does a socket
    // that drops (its seat waits for a reconnection, but a flaky network must not lock the account out).
    open.pop()!.sendFrame(new Uint8Array([LEAVE_ROOM]));
    open.pop()!.close();
    const back: RawRoom[] = [];
    await waitFor(async () => {
      const room = await RawRoom.join(fx.server.url, RoomName.player, player.token).catch(() => undefined);
      if (room) back.push(room);
      return back.length === 2;
    }, 5000);
    for (const room of [...open, ...back]) room.close();
  });

  test('commands per account across its sockets: 4 sockets at 40/s each (under the per-socket 50) get RATE_LIMITED past 100/s', async () => {
    const player = await guest();
    const open = await sockets(player, 4, address());
    for (const [s, room] of open.entries()) for (let i = 0; i < 40; i++) room.send('noop.ping', { id: `fair-${s}-${String(i).padStart(4, '0')}` });
    await waitFor(async () => open.every((room) => room.replies.length === 40), 10_000);
    const limited = open.flatMap((room) => room.replies).filter((r) => 'nack' in r && r.nack.code === 'RATE_LIMITED');
    assert.ok(limited.length >= 40, `${limited.length} RATE_LIMITED of 160`);
    assert.ok(limited.every((r) => 'nack' in r && r.nack.retryable && /from this account/.test(r.nack.message)));
    for (const room of open) room.close();
  });

  test(`open WebSockets per address: the ${MAX_CONNECTIONS + 1}th upgrade from one address is refused 429`, async () => {
    const from = address();
    const players = await Promise.all([guest(), guest(), guest(), guest()]);
    const open = (await Promise.all(players.map((p) => sockets(p, MAX_CONNECTIONS / 4, from)))).flat();
    const extra = await guest();
    const made = await matchmake(fx.server.url, RoomName.player, { token: extra.token });
    const socket = RawRoom.connect(fx.server.url, made.seat!, { token: extra.token, headers: { 'x-forwarded-for': from } });
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      socket.once('open', () => resolve(101));
    });
    assert.equal(status, 429);
    // Another address is served meanwhile, and a closed socket frees its place.
    const elsewhere = await RawRoom.open(fx.server.url, (await matchmake(fx.server.url, RoomName.player, { token: extra.token })).seat!, { token: extra.token, headers: { 'x-forwarded-for': address() } });
    elsewhere.close();
    open.pop()!.close();
    await waitFor(async () => {
      const seat = (await matchmake(fx.server.url, RoomName.player, { token: extra.token })).seat!;
      return RawRoom.open(fx.server.url, seat, { token: extra.token, headers: { 'x-forwarded-for': from } }).then(
        (room) => (room.close(), true),
        () => false,
      );
    }, 5000);
    for (const room of open) room.close();
  });

  test('events.sync: a reply stays under 64 KB (the client pages), and an account pulling past its byte budget gets RATE_LIMITED', async () => {
    const admin = await adminTab();
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    // 300 grants with 200-character reasons: about 90 KB of events in the player's stream.
    for (let i = 0; i < 300; i++) expectAck(await admin.send(AdminCommandType.grant, { userId: player.userId, amount: 1, reason: `${String(i).padStart(3, '0')}${'r'.repeat(197)}` }));
    await tab.waitForState((s) => s.seq >= 300);
    const first = expectAck(await tab.send('events.sync', { afterSeq: 0 }));
    const bytes = first.events.reduce((sum: number, e: { data: unknown }) => sum + JSON.stringify(e.data).length, 0);
    assert.ok(first.events.length > 0 && first.events.length < 300, `${first.events.length} events in the first page`);
    assert.ok(bytes <= 64 * 1024, `${bytes} bytes of events`);
    assert.deepEqual(first.events.map((e: { seq: number }) => e.seq), Array.from({ length: first.events.length }, (_, i) => i + 1), 'a page is gapless from afterSeq');
    assert.equal(first.seq, tab.state.seq, 'seq is the head, beyond the page: sync again');
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await tab.send('events.sync', { afterSeq: 0 }));
    const limited = answers.filter((r) => 'nack' in r && r.nack.code === 'RATE_LIMITED');
    assert.ok(limited.length > 0, 'the byte budget ran out');
    assert.ok(limited.every((r) => 'nack' in r && r.nack.retryable && /events\.sync/.test(r.nack.message)));
    await tab.leave();
    await admin.leave();
  });
});

describe('retention', () => {
  test('replies past the idempotency window and relayed events past retention are pruned; the ledger is not; events.sync answers a snapshot, never a gap', async () => {
    const admin = await adminTab();
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    for (let i = 0; i < 5; i++) expectAck(await admin.send(AdminCommandType.grant, { userId: player.userId, amount: 10, reason: `retention ${i}` }));
    expectAck(await tab.send('streak.claim', {}));
    const stream = `player:${player.userId}`;
    const [{ head }] = (await queryRows<{ head: number }>(fx.db.url, `SELECT max(seq)::int AS head FROM outbox WHERE stream = $1`, [stream])) as [{ head: number }];
    assert.ok(head > 6, `${head} events`);
    const count = async (table: string, where: string) => Number((await queryRows<{ n: number }>(fx.db.url, `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, [player.userId]))[0]!.n);
    const replies = await count('command_results', 'actor = $1');
    const transfers = await count('transfers', 'from_account = $1 OR to_account = $1');
    assert.ok(replies >= 6, `${replies} stored replies`);
    // Age everything but one reply past the 24 h window, and the stream's events past the 168 h one.
    await queryRows(fx.db.url, `UPDATE command_results SET created_at = now() - interval '25 hours' WHERE actor = $1 AND command_id <> (SELECT max(command_id) FROM command_results WHERE actor = $1)`, [player.userId]);
    await queryRows(fx.db.url, `UPDATE command_results SET created_at = now() - interval '23 hours' WHERE actor = $1 AND command_id = (SELECT max(command_id) FROM command_results WHERE actor = $1)`, [player.userId]);
    await queryRows(fx.db.url, `UPDATE outbox SET created_at = now() - interval '169 hours' WHERE stream = 'player:' || $1`, [player.userId]);
    await waitFor(async () => (await count('command_results', 'actor = $1')) === 1 && (await count('outbox', `stream = 'player:' || $1`)) === 1, 10_000);
    const [kept] = await queryRows<{ seq: number }>(fx.db.url, `SELECT seq::int FROM outbox WHERE stream = $1`, [stream]);
    assert.equal(kept!.seq, head, "the stream's newest event is kept: it marks where the stream starts");
    assert.equal(await count('transfers', 'from_account = $1 OR to_account = $1'), transfers, 'the ledger is never pruned');
    assert.deepEqual(expectAck(await tab.send('events.sync', { afterSeq: 0 })), { snapshot: true, seq: head }, 'older seqs: a snapshot answer');
    assert.deepEqual(expectAck(await tab.send('events.sync', { afterSeq: head - 1 })).events.map((e: { seq: number }) => e.seq), [head]);
    await tab.leave();
    await admin.leave();
  });
});
