// The edges around the money core, attacked over the wire as a hostile user would.
// Room access by owner whatever the route (joinById, create, join, reconnect), input edges (control
// characters, 64-bit integers), sign-in limits, Host validation and revocable sessions; fairness
// between accounts and retention are in tests/accountLimits.test.ts. Every case failed on the code
// before these defences, except two controls that held already (create/join naming another user;
// localhost being served).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { Client } from '@colyseus/sdk';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { AdminCommandType } from '../shared/commandNames.ts';
import { CloseCode, PROTOCOL_VERSION, RoomName } from '../shared/protocol.ts';
import { AdminState, BoardState, PlayerState } from '../shared/state.ts';
import { expectAck, expectNack, joinPlayerRoom, joinRoom, newId, type PlayerConnection } from './support/client.ts';
import { abuseFixture, refusal } from './support/abuseFixture.ts';
import { queryRows } from './support/ledger.ts';
import { matchmake, RawRoom, upgradeStatus } from './support/rawRoom.ts';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const { fx, address, post, guest, adminSession, adminTab } = abuseFixture('abuse');

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

  test("admin: a stranger sharing the admin's address locks it out, but not the device pass of the admin's earlier sign-in", async () => {
    const shared = address();
    const signIn = (body: Record<string, unknown>) => post('/auth/admin', body, { 'x-forwarded-for': shared });
    const first = await signIn({ password: TEST_ADMIN_PASSWORD });
    assert.equal(first.status, 200);
    const { devicePass } = (await first.json()) as { devicePass: string };
    assert.equal(typeof devicePass, 'string', 'a correct sign-in hands out a device pass');
    // The stranger, behind the same address, runs it into a lockout.
    for (let i = 0; i < 6; i++) await signIn({ password: `stranger-${i}` });
    assert.equal((await signIn({ password: TEST_ADMIN_PASSWORD })).status, 429, 'without the pass the admin waits with the address');
    assert.equal((await signIn({ password: TEST_ADMIN_PASSWORD, devicePass: 'not-a-pass-of-ours' })).status, 429, 'a pass that is not ours is no pass');
    const wrong = await signIn({ password: 'stranger-with-pass', devicePass });
    assert.equal(wrong.status, 401, 'a pass is no credential: the password is still checked');
    const right = await signIn({ password: TEST_ADMIN_PASSWORD, devicePass });
    assert.equal(right.status, 200, 'with the pass the admin signs in at once');
    assert.notEqual(((await right.json()) as { devicePass: string }).devicePass, devicePass, 'each sign-in hands out a new pass');
    const bad = await signIn({ password: TEST_ADMIN_PASSWORD, devicePass: 5 });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /devicePass/);
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
    await assert.rejects(withToken().reconnect(board.room.reconnectionToken, BoardState), 'the board room kept no seat either');
    // Without a ban, a kick only closes the sockets: the player joins again (no room keeps the
    // kicked socket's seat for a reconnection: tests/reconnection.test.ts).
    const other = await guest();
    const otherTab = await joinPlayerRoom(fx.server.url, other.token);
    const otherBoard = await joinRoom(fx.server.url, other.token, RoomName.board, BoardState);
    const otherClosed = closeCode(otherBoard);
    assert.deepEqual(expectAck(await admin.send(AdminCommandType.kick, { userId: other.userId, reason: 'calm down' })), { kicked: 1 });
    assert.equal(await otherClosed, CloseCode.KICKED);
    await (await joinRoom(fx.server.url, other.token, RoomName.board, BoardState)).leave();
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

// Last in the file: it spends the minute's budget of wrong admin passwords.
describe('admin password spray (last)', () => {
  test('wrong passwords spread over a few addresses spend the minute budget: those addresses are refused 429 unchecked, while the admin signs in at once', async () => {
    const strangers = Array.from({ length: 8 }, () => address());
    const statuses: number[] = [];
    // 5 each: within every address' free failures, so only the shared budget refuses them.
    for (let i = 0; i < 40; i++) statuses.push((await post('/auth/admin', { password: `spray-${i}` }, { 'x-forwarded-for': strangers[i % 8]! })).status);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    assert.deepEqual(statuses.slice(30), Array(10).fill(429));
    const unchecked = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': strangers[0]! });
    assert.equal(unchecked.status, 429, 'past the budget an address that failed is not checked, the right password neither');
    assert.ok(Number(unchecked.headers.get('retry-after')) >= 1);
    // The admin, from an address that has not failed: checked, and in.
    const admin = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': address() });
    assert.equal(admin.status, 200, 'the budget spent by others does not keep the admin out');
    const { devicePass } = (await admin.json()) as { devicePass: string };
    // A new address gets one guess past the budget, then waits like the others (the bound).
    const newcomer = address();
    assert.equal((await post('/auth/admin', { password: 'one-guess' }, { 'x-forwarded-for': newcomer })).status, 401);
    assert.equal((await post('/auth/admin', { password: TEST_ADMIN_PASSWORD }, { 'x-forwarded-for': newcomer })).status, 429);
    // The admin's pass works from a spraying address too.
    assert.equal((await post('/auth/admin', { password: TEST_ADMIN_PASSWORD, devicePass }, { 'x-forwarded-for': strangers[1]! })).status, 200);
  });
});
