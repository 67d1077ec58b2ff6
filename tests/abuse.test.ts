// Issue 16: the edges around the money core, attacked over the wire as a hostile user would.
// Room access by owner whatever the route (joinById, create, join, reconnect), input edges (control
// characters, 64-bit integers), sign-in limits, Host validation, revocable sessions, fairness
// between accounts and retention. Every case failed on the code before issue 16, except two
// controls that held already (create/join naming another user; localhost being served).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { Client } from '@colyseus/sdk';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { AdminCommandType } from '../shared/commandNames.ts';
import { CloseCode, PROTOCOL_VERSION, RoomName } from '../shared/protocol.ts';
import { AdminState, BoardState, PlayerState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, type PlayerConnection, type Session } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { queryRows } from './support/ledger.ts';
import { matchmake, RawRoom, upgradeStatus } from './support/rawRoom.ts';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from './support/server.ts';
import { waitFor } from './support/wait.ts';

/** Colyseus' LEAVE_ROOM protocol byte: a consented leave. */
const LEAVE_ROOM = 12;

// Sign-ins come "through a proxy" on loopback with made-up client addresses, so each test has its
// own per-address budget while the server runs with the default limits.
const MAX_CONNECTIONS = 16;
const fx = serverFixture('abuse', {
  TRUSTED_PROXIES: '127.0.0.1,::1',
  // The defaults, except open sockets per address: small enough to reach in a test.
  GUEST_SIGNUPS_PER_HOUR: '',
  SYNC_BYTES_PER_SECOND: '',
  MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
  // Retention sweeps every second (the windows stay the defaults; rows are aged by hand).
  RETENTION_SWEEP_SECONDS: '1',
});

let nextAddress = 1;
/** A fresh client address (TEST-NET-3, 203.0.113.0/24 and beyond), as a trusted proxy reports it. */
function address(): string {
  const n = nextAddress++;
  return `203.0.${113 + Math.floor(n / 250)}.${(n % 250) + 1}`;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fx.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function guest(displayName?: string, from = address()): Promise<Session> {
  const res = await post('/auth/guest', displayName ? { displayName } : {}, { 'x-forwarded-for': from });
  assert.equal(res.status, 200, `guest sign-in: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Session;
}

async function adminSession(from = address()): Promise<Session> {
  const res = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': from });
  assert.equal(res.status, 200, `admin sign-in: ${res.status}`);
  return (await res.json()) as Session;
}

async function adminTab(): Promise<PlayerConnection<AdminState>> {
  return joinRoom(fx.server.url, (await adminSession()).token, RoomName.admin, AdminState);
}

/** The join refusal's status and protocol code (the message starts with it). */
function refusal(made: { status: number; error?: string }): { status: number; code: string | undefined } {
  return { status: made.status, code: /^([A-Z_]+)/.exec(made.error ?? '')?.[1] };
}

describe('room access by owner, whatever the route', () => {
  test("joinById with a victim's room id is refused 403, and the attacker sees nothing", async () => {
    const [victim, attacker] = await Promise.all([guest(), guest()]);
    const victimRoom = await RawRoom.join(fx.server.url, RoomName.player, victim.token);
    const seat = await matchmake(fx.server.url, RoomName.player, { token: victim.token });
    assert.ok(seat.seat, 'the victim can matchmake into their own room');
    const roomId = seat.seat.roomId;
    const made = await matchmake(fx.server.url, roomId, { token: attacker.token, method: 'joinById' });
    assert.deepEqual(refusal(made), { status: 403, code: 'FORBIDDEN' });
    // The attacker may not pick the owner either: a userId option naming someone else is overridden
    // by the room's owner, and naming the attacker does not move them into the victim's room.
    const named = await matchmake(fx.server.url, roomId, { token: attacker.token, method: 'joinById', options: { protocol: PROTOCOL_VERSION, userId: attacker.userId } });
    assert.deepEqual(refusal(named), { status: 403, code: 'FORBIDDEN' });
    // The owner still gets in by id.
    const own = await matchmake(fx.server.url, roomId, { token: victim.token, method: 'joinById' });
    assert.equal(own.status, 200);
    victimRoom.close();
  });

  test("create and join naming another user's room are refused 403", async () => {
    const [victim, attacker] = await Promise.all([guest(), guest()]);
    const victimTab = await joinPlayerRoom(fx.server.url, victim.token);
    for (const method of ['create', 'join', 'joinOrCreate'] as const) {
      const made = await matchmake(fx.server.url, RoomName.player, { token: attacker.token, method, options: { protocol: PROTOCOL_VERSION, userId: victim.userId } });
      assert.deepEqual(refusal(made), { status: 403, code: 'FORBIDDEN' }, method);
    }
    await victimTab.leave();
  });

  test('an admin joins a player room by id read-only', async () => {
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    const admin = await adminSession();
    const made = await matchmake(fx.server.url, tab.room.roomId, { token: admin.token, method: 'joinById' });
    assert.equal(made.status, 200);
    const watcher = await RawRoom.open(fx.server.url, made.seat!, { token: admin.token });
    const reply = watcher.nextReply();
    watcher.send('streak.claim', { id: newId() });
    const answer = await reply;
    assert.ok('nack' in answer && answer.nack.code === 'FORBIDDEN', JSON.stringify(answer));
    watcher.close();
    await tab.leave();
  });
});

describe('input edges', () => {
  test('a display name with NUL or an escape is refused 400 at sign-in, naming the field', async () => {
    for (const displayName of ['ada\u0000', 'x\u001b[31mred', 'two\nlines', 'c1\u0085']) {
      const res = await post('/auth/guest', { displayName }, { 'x-forwarded-for': address() });
      assert.equal(res.status, 400, JSON.stringify(displayName));
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'INVALID_INPUT');
      assert.match(body.message, /^displayName must not contain control characters/);
    }
    // Plain text, accents and emoji are fine.
    assert.equal((await guest('Zoë 🎲')).displayName, 'Zoë 🎲');
  });

  test('a token signed before the fix, with NUL in its name, is refused 400 at join (not 503 forever)', async () => {
    const token = await new SignJWT({ role: 'player', name: 'old\u0000name', gen: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(`nul-${newId()}`).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET));
    assert.deepEqual(refusal(await matchmake(fx.server.url, RoomName.player, { token })), { status: 400, code: 'INVALID_INPUT' });
  });

  test('titles and reasons with control characters are refused INVALID_INPUT, naming the field', async () => {
    const admin = await adminTab();
    const player = await guest();
    await joinPlayerRoom(fx.server.url, player.token).then((tab) => tab.leave());
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [AdminCommandType.taskCreate, { title: 'fix\u0000me', bountyGold: 1, bountyXp: 0 }, /^title must not contain control characters/],
      [AdminCommandType.grant, { userId: player.userId, amount: 5, reason: 'gift\r\nX-Forged: yes' }, /^reason must not contain control characters/],
      [AdminCommandType.kick, { userId: player.userId, reason: 'bye\u0000' }, /^reason must not contain control characters/],
      [AdminCommandType.announce, { text: '\u001b[2Jcleared' }, /^text must not contain control characters/],
    ];
    for (const [type, fields, message] of cases) {
      const nack = expectNack(await admin.send(type, fields));
      assert.equal(nack.code, 'INVALID_INPUT', type);
      assert.match(nack.message, message);
    }
    await admin.leave();
  });

  test('a 64-bit integer is refused with its path, and audited when it reaches the admin room', async () => {
    const admin = await adminSession();
    const raw = await RawRoom.join(fx.server.url, RoomName.admin, admin.token);
    const id = newId();
    const reply = raw.reply(id);
    raw.send(AdminCommandType.grant, { id, userId: 'someone', amount: 2n ** 63n - 1n, reason: 'int64' });
    const answer = await reply;
    assert.ok('nack' in answer, JSON.stringify(answer));
    assert.equal(answer.nack.code, 'INVALID_INPUT');
    assert.match(answer.nack.message, /^amount is a 64-bit integer/);
    const audited = async () => queryRows<{ payload: { amount: string }; result: { nack: { code: string } } }>(fx.db.url, `SELECT payload, result FROM admin_audit WHERE command_id = $1`, [id]);
    await waitFor(async () => (await audited()).length > 0, 5000);
    const [row] = await audited();
    assert.ok(row, 'the refused command is in admin_audit');
    assert.equal(row.payload.amount, String(2n ** 63n - 1n));
    assert.equal(row.result.nack.code, 'INVALID_INPUT');
    raw.close();
  });
});

describe('sign-in limits', () => {
  test('guest sign-up: the default 20 per address per hour, then 429 RATE_LIMITED with Retry-After; other addresses go on', async () => {
    const from = address();
    for (let i = 0; i < 20; i++) await guest(undefined, from);
    const refused = await post('/auth/guest', {}, { 'x-forwarded-for': from });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '180');
    const body = (await refused.json()) as { code: string; retryable: boolean };
    assert.deepEqual([body.code, body.retryable], ['RATE_LIMITED', true]);
    await guest(undefined, address());
  });

  test('a hop the client wrote before the trusted proxy\'s own is not believed', async () => {
    // The fixture trusts loopback as its proxy; the right-most hop is the one the proxy saw.
    const real = address();
    for (let i = 0; i < 20; i++) await guest(undefined, `198.18.0.${i}, ${real}`);
    assert.equal((await post('/auth/guest', {}, { 'x-forwarded-for': `198.18.1.1, ${real}` })).status, 429);
  });

  test('admin: 5 wrong passwords, then a growing lockout that the right password does not skip', async () => {
    const from = address();
    for (let i = 0; i < 5; i++) assert.equal((await post('/auth/admin', { password: `wrong-${i}` }, { 'x-forwarded-for': from })).status, 401);
    const sixth = await post('/auth/admin', { password: 'wrong-6' }, { 'x-forwarded-for': from });
    assert.equal(sixth.status, 429);
    assert.equal(sixth.headers.get('retry-after'), '1');
    const right = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': from });
    assert.equal(right.status, 429, 'the right password is refused while locked out');
    assert.equal(((await right.json()) as { code: string }).code, 'RATE_LIMITED');
    assert.equal((await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': address() })).status, 200, 'other addresses are served');
    assert.ok(fx.server.output().includes(`"address":"${from}"`) && fx.server.output().includes('admin sign-in locked out'), 'the lockout is logged with the address');
  });
});

/** A request with a Host header of our choosing (fetch would not send one). */
function withHost(method: string, path: string, host: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: fx.server.port, method, path, headers: { host, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        const code = (() => {
          try {
            return (JSON.parse(text) as { code?: string }).code;
          } catch {
            return undefined;
          }
        })();
        resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Host validation (DNS rebinding)', () => {
  test('a Host that is not a name of this server is refused 403 on every route, matching Origin or not', async () => {
    const evil = `attacker.example:${fx.server.port}`;
    assert.deepEqual(await withHost('GET', '/health/live', evil), { status: 403, code: 'FORBIDDEN' });
    assert.deepEqual(await withHost('POST', '/auth/guest', evil, { origin: `http://${evil}`, 'x-forwarded-for': address() }, '{}'), { status: 403, code: 'FORBIDDEN' });
    const player = await guest();
    const made = await withHost('POST', `/matchmake/joinOrCreate/${RoomName.player}`, evil, { origin: `http://${evil}`, authorization: `Bearer ${player.token}` }, JSON.stringify({ protocol: PROTOCOL_VERSION }));
    assert.deepEqual(made, { status: 403, code: 'FORBIDDEN' });
  });

  test('the WebSocket upgrade with a foreign Host is refused 403', async () => {
    const player = await guest();
    const made = await matchmake(fx.server.url, RoomName.player, { token: player.token });
    const socket = new WebSocket(`ws://127.0.0.1:${fx.server.port}/${made.seat!.processId}/${made.seat!.roomId}?sessionId=${made.seat!.sessionId}&_authToken=${player.token}`, {
      headers: { host: `rebound.example:${fx.server.port}` },
    });
    assert.equal(await upgradeStatus(socket), 403);
  });

  test('localhost, 127.0.0.1 and [::1] on any port are served', async () => {
    for (const host of [`localhost:${fx.server.port}`, `127.0.0.1:${fx.server.port}`, '[::1]:8080', 'LOCALHOST']) {
      assert.deepEqual(await withHost('GET', '/health/live', host), { status: 200 }, host);
    }
  });
});

/** Resolves with the close code of a joined room. */
function closeCode(tab: PlayerConnection<any>): Promise<number> {
  return new Promise((resolve) => tab.room.onLeave((code: number) => resolve(code)));
}

describe('revocable sessions', () => {
  test('admin.kick with banSeconds: the socket closes 4403, the same token is refused 403 until the ban ends, and no reconnection', async () => {
    const admin = await adminTab();
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    const board = await joinRoom(fx.server.url, player.token, RoomName.board, BoardState);
    const closed = [closeCode(tab), closeCode(board)];
    const result = expectAck(await admin.send(AdminCommandType.kick, { userId: player.userId, reason: 'cheating', banSeconds: 600 }));
    assert.equal(result.kicked, 1);
    assert.ok(Date.parse(result.bannedUntil) > Date.now() + 590_000, result.bannedUntil);
    assert.deepEqual(await Promise.all(closed), [CloseCode.KICKED, CloseCode.KICKED]);
    const again = await matchmake(fx.server.url, RoomName.player, { token: player.token });
    assert.deepEqual(refusal(again), { status: 403, code: 'FORBIDDEN' });
    assert.match(again.error!, /banned until/);
    const withToken = () => {
      const client = new Client(fx.server.url);
      client.auth.token = player.token;
      return client;
    };
    await assert.rejects(withToken().reconnect(tab.room.reconnectionToken, PlayerState), 'the player room kept no seat for a reconnection');
    await assert.rejects(withToken().reconnect(board.room.reconnectionToken, BoardState), 'the board room kept a seat, but the reconnection is refused');
    // Without a ban, a kick only closes the sockets: the player joins again, or reconnects.
    const other = await guest();
    const otherTab = await joinPlayerRoom(fx.server.url, other.token);
    const otherBoard = await joinRoom(fx.server.url, other.token, RoomName.board, BoardState);
    const otherClosed = closeCode(otherBoard);
    assert.deepEqual(expectAck(await admin.send(AdminCommandType.kick, { userId: other.userId, reason: 'calm down' })), { kicked: 1 });
    assert.equal(await otherClosed, CloseCode.KICKED);
    const reconnecting = new Client(fx.server.url);
    reconnecting.auth.token = other.token;
    await (await reconnecting.reconnect(otherBoard.room.reconnectionToken, BoardState)).leave(true);
    await otherTab.waitForState(() => true);
    const back = await joinPlayerRoom(fx.server.url, other.token);
    await back.leave();
    assert.equal(expectNack(await admin.send(AdminCommandType.kick, { userId: other.userId, reason: 'x', banSeconds: 0 })).code, 'INVALID_INPUT');
    await admin.leave();
  });

  test('admin.sessions.revoke ends every socket of the user in every room, and their tokens are refused 401', async () => {
    const admin = await adminTab();
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    const board = await joinRoom(fx.server.url, player.token, RoomName.board, BoardState);
    const [tabClosed, boardClosed] = [closeCode(tab), closeCode(board)];
    const result = expectAck(await admin.send(AdminCommandType.sessionsRevoke, { userId: player.userId, reason: 'token leaked' }));
    assert.deepEqual(result, { userId: player.userId, generation: 1, kicked: 1 });
    assert.deepEqual(await Promise.all([tabClosed, boardClosed]), [CloseCode.KICKED, CloseCode.KICKED]);
    for (const room of [RoomName.player, RoomName.board]) {
      assert.deepEqual(refusal(await matchmake(fx.server.url, room, { token: player.token })), { status: 401, code: 'UNAUTHORIZED' }, room);
    }
    const trail = await queryRows<{ action: string }>(fx.db.url, `SELECT action FROM admin_audit WHERE action = $1 AND payload->>'userId' = $2`, [AdminCommandType.sessionsRevoke, player.userId]);
    assert.equal(trail.length, 1, 'audited');
    await admin.leave();
  });

  test("revoking the admin's own sessions: by generation at once, and all admin tokens by rotating ADMIN_PASSWORD, without losing data", async () => {
    const admin = await adminSession();
    const adminRoom = await joinRoom(fx.server.url, admin.token, RoomName.admin, AdminState);
    const player = await guest();
    const tab = await joinPlayerRoom(fx.server.url, player.token);
    expectAck(await adminRoom.send(AdminCommandType.grant, { userId: player.userId, amount: 777, reason: 'before rotation' }));
    await tab.leave();
    // The admin is answered, then their own socket closes; a fresh admin token survives.
    const closed = closeCode(adminRoom);
    const revoked = expectAck(await adminRoom.send(AdminCommandType.sessionsRevoke, { userId: 'admin', reason: 'rotation drill' }));
    assert.ok(revoked.generation >= 1);
    assert.equal(await closed, CloseCode.KICKED);
    assert.deepEqual(refusal(await matchmake(fx.server.url, RoomName.admin, { token: admin.token })), { status: 401, code: 'UNAUTHORIZED' });
    const fresh = await adminSession();
    assert.equal((await matchmake(fx.server.url, RoomName.admin, { token: fresh.token })).status, 200);

    await fx.server.stop();
    await fx.restart({ ADMIN_PASSWORD: 'a-rotated-admin-password' });
    try {
      assert.deepEqual(refusal(await matchmake(fx.server.url, RoomName.admin, { token: fresh.token })), { status: 401, code: 'UNAUTHORIZED' }, 'admin tokens signed before the rotation are refused');
      const again = await joinPlayerRoom(fx.server.url, player.token);
      assert.equal(again.state.balance, 777, "a player's token and gold survive the rotation");
      await again.leave();
    } finally {
      await fx.server.stop();
      await fx.restart();
    }
  });
});

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

// Last in the file: it locks every address out of /auth/admin for the rest of the minute.
describe('admin password spray (last)', () => {
  test('wrong passwords spread over many addresses: past 30 in a minute every admin sign-in is refused 429, the right one too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post('/auth/admin', { password: `spray-${i}` }, { 'x-forwarded-for': address() })).status);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    assert.deepEqual(statuses.slice(30), Array(10).fill(429));
    const right = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': address() });
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) >= 1);
  });
});
