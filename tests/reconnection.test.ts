// A reconnection is judged like a join, in every room (docs/PROTOCOL.md "Sign-in limits and
// sessions"), attacked over the wire on both transports: a seat kept for a dropped client is taken
// only with its owner's own valid token (not another user's, not none, not through a Host that
// hides the query from the guard); no room keeps a seat after it closed a client with 4403 (a kick,
// a ban, a revocation), even when the client hides that code; a seat reserved before a ban or a
// revocation cannot be used after it; old tokens are judged by today's name rules in every room.
// Each refusal is paired with the owner's own token getting in, so the test fails both ways.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { AdminCommandType, BoardCommandType } from '../shared/commandNames.ts';
import { CrashCommandType } from '../shared/crashCommands.ts';
import { CloseCode, RoomName } from '../shared/protocol.ts';
import { newId, type Session } from './support/client.ts';
import { serverFixture, type ServerFixture } from './support/fixture.ts';
import { fundNewPlayer, queryRows } from './support/ledger.ts';
import { matchmake, RawRoom, type Seat } from './support/rawRoom.ts';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from './support/server.ts';

/** A room joined raw, with what a reconnection into its seat needs. */
type Joined = { room: RawRoom; seat: Seat; reconnectionToken: string };

/** How a reconnection attempt ended: refused by the matchmaker (no seat kept), at the upgrade (HTTP), on the socket, or joined. */
type Outcome = { refused: 'no seat' | 'upgrade' | 'socket'; detail: string } | { joined: RawRoom };

const transports: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'the default transport', env: {} },
  { name: 'the ws transport', env: { TRANSPORT: 'ws' } },
];

for (const transport of transports) {
  describe(`reconnections on ${transport.name}`, () => {
    const fx = serverFixture(`reconnect_${transport.env.TRANSPORT ?? 'default'}`, { ...transport.env, CRASH_BETTING_MS: '60000' });
    const suite = helpers(fx);

    test('the server runs the transport this suite is about', async () => {
      const metrics = await (await fetch(`${fx.server.url}/metrics`)).text();
      if (transport.env.TRANSPORT) assert.match(metrics, new RegExp(`coffer_transport_info\\{transport="${transport.env.TRANSPORT}"\\} 1`));
      else assert.match(metrics, /coffer_transport_info\{transport="(uws|ws)"\} 1/);
    });

    test('a kept seat in each room: another valid token or none is refused, and the seat is still there for its owner', async () => {
      const admin = await suite.adminSession();
      const cases: Array<{ roomName: string; owner: Session; options?: Record<string, unknown> }> = [
        { roomName: RoomName.player, owner: await suite.guest() },
        { roomName: RoomName.crash, owner: await suite.guest() },
        { roomName: RoomName.board, owner: await suite.guest() },
        { roomName: RoomName.admin, owner: admin },
      ];
      for (const { roomName, owner } of cases) {
        const joined = await suite.join(roomName, owner.token);
        joined.room.socket.terminate();
        await joined.room.closed;
        const stranger = await suite.guest();
        for (const [what, token] of [["another user's valid token", stranger.token], ['no token', undefined]] as const) {
          const outcome = await suite.reconnect(joined, token);
          assert.ok('refused' in outcome && outcome.refused !== 'no seat', `${roomName}, ${what}: ${JSON.stringify('refused' in outcome ? outcome : 'joined')}`);
        }
        // The refused sockets did not cost the owner the seat: their own token takes it.
        const back = await suite.reconnect(joined, owner.token);
        assert.ok('joined' in back, `${roomName}: the owner reconnects with their own token: ${JSON.stringify(back)}`);
        back.joined.close();
      }
    });

    test('a Host ending in # does not hide a reconnection from the guard', async () => {
      const owner = await suite.guest();
      const joined = await suite.join(RoomName.board, owner.token);
      joined.room.socket.terminate();
      await joined.room.closed;
      const outcome = await suite.reconnect(joined, undefined, { host: `127.0.0.1:${fx.server.port}#` });
      // Refused at the transport edge, before the guard (a Host with # is not host[:port]:
      // server/edgeGuard.ts); the guard and the room would refuse it too.
      assert.deepEqual('refused' in outcome ? outcome : 'joined', { refused: 'upgrade', detail: 'upgrade refused with 400' });
      const back = await suite.reconnect(joined, owner.token);
      assert.ok('joined' in back, JSON.stringify(back));
      back.joined.close();
    });

    test('a revoked admin does not get the admin room back: not with a guest token, nor none, nor a Host ending in #; no grant is acked', async () => {
      const player = await suite.guest();
      await fundNewPlayer(fx.db.url, player.userId, 1);
      // The player has played (a grant names a known player), then left.
      (await suite.join(RoomName.player, player.token)).room.close();
      const admin = await suite.adminSession();
      const joined = await suite.join(RoomName.admin, admin.token);
      const revoked = await suite.send(joined.room, AdminCommandType.sessionsRevoke, { userId: 'admin', reason: 'token leaked' });
      assert.ok('ack' in revoked, JSON.stringify(revoked));
      assert.equal((await joined.room.closed).code, CloseCode.KICKED);
      const stranger = await suite.guest();
      const attempts: Array<[string, string | undefined, { host?: string }]> = [
        ["a guest's token", stranger.token, {}],
        ['no token', undefined, {}],
        ['no token, Host ending in #', undefined, { host: `127.0.0.1:${fx.server.port}#` }],
        ["the revoked admin's own token", admin.token, {}],
      ];
      for (const [what, token, opts] of attempts) {
        const outcome = await suite.reconnect(joined, token, opts);
        if ('joined' in outcome) {
          // What the attack did before: grant itself gold.
          const granted = await suite.send(outcome.joined, AdminCommandType.grant, { userId: player.userId, amount: 1_000_000, reason: 'revoked admin' });
          assert.fail(`${what}: the revoked admin reconnected, and admin.grant answered ${JSON.stringify(granted)}`);
        }
      }
      assert.equal(await suite.balance(player.userId), 1, 'no grant');
      // The admin signs in again and gets the room back the ordinary way.
      const again = await suite.join(RoomName.admin, (await suite.adminSession()).token);
      again.room.close();
    });

    for (const ending of ['ban', 'revoke'] as const) {
      for (const roomName of [RoomName.crash, RoomName.board] as const) {
        test(`after a ${ending}, the ${roomName} room keeps no seat: another user's token or none is refused, no bet, no bounty`, async () => {
          const player = await suite.guest();
          await fundNewPlayer(fx.db.url, player.userId, 1_000);
          const joined = await suite.join(roomName, player.token);
          await suite.end(ending, player.userId);
          assert.equal((await joined.room.closed).code, CloseCode.KICKED);
          const stranger = await suite.guest();
          for (const [what, token] of [["another user's token", stranger.token], ['no token', undefined]] as const) {
            const outcome = await suite.reconnect(joined, token);
            if ('joined' in outcome) {
              const command = roomName === RoomName.crash ? suite.send(outcome.joined, CrashCommandType.bet, { amount: 100 }) : suite.send(outcome.joined, BoardCommandType.taskAccept, { taskId: 'any' });
              assert.fail(`${ending}, ${what}: reconnected into the ${roomName} room, which answered ${JSON.stringify(await command)}`);
            }
          }
          assert.equal(await suite.balance(player.userId), 1_000, 'no bet staked');
        });
      }
    }

    test('no room keeps a seat after a kick: the player joins again, but does not reconnect', async () => {
      const player = await suite.guest();
      const board = await suite.join(RoomName.board, player.token);
      await suite.end('kick', player.userId);
      assert.equal((await board.room.closed).code, CloseCode.KICKED);
      // Refused whether the server already let the socket go (no seat) or not yet (the stale
      // connection's seat, which it then does not keep).
      const outcome = await suite.reconnect(board, player.token);
      assert.ok('refused' in outcome, 'the kicked socket\'s seat was kept for its owner\'s token');
      (await suite.join(RoomName.board, player.token)).room.close();
    });

    test('no seat after a kick either when the kicked client hides the 4403 (it answers with no close frame)', async () => {
      for (const roomName of [RoomName.player, RoomName.crash, RoomName.board]) {
        const player = await suite.guest();
        const joined = await suite.join(roomName, player.token);
        answerWithNoCloseFrame(joined.room);
        await suite.end('kick', player.userId);
        await joined.room.closed;
        const outcome = await suite.reconnect(joined, player.token);
        assert.ok('refused' in outcome, `${roomName}: the kicked socket's seat was kept for its owner's token`);
      }
    });

    for (const ending of ['ban', 'revoke'] as const) {
      for (const roomName of [RoomName.player, RoomName.crash] as const) {
        test(`a ${roomName} seat reserved before a ${ending} cannot be used after it`, async () => {
          const player = await suite.guest();
          await fundNewPlayer(fx.db.url, player.userId, 1_000);
          const made = await matchmake(fx.server.url, roomName, { token: player.token });
          assert.ok(made.seat, `matchmaking: ${made.status} ${made.error}`);
          await suite.end(ending, player.userId);
          const opened = await RawRoom.open(fx.server.url, made.seat, { token: player.token }).then(
            (room) => room,
            (error: Error) => error,
          );
          if (opened instanceof RawRoom) {
            const bet = roomName === RoomName.crash ? await suite.send(opened, CrashCommandType.bet, { amount: 100 }) : undefined;
            assert.fail(`the seat reserved before the ${ending} was taken after it${bet ? `; a bet was answered ${JSON.stringify(bet)}` : ''}`);
          }
          assert.match(opened.message, /protocol error|closed with/);
          assert.equal(await suite.balance(player.userId), 1_000, 'no bet staked');
          // The control: a seat reserved and used by a player in good standing is taken.
          const fine = await suite.guest();
          const seat = await matchmake(fx.server.url, roomName, { token: fine.token });
          (await RawRoom.open(fx.server.url, seat.seat!, { token: fine.token })).close();
        });
      }
    }

    test('sign-in refuses a display name with a bidi control or a zero-width character, naming the field', async () => {
      for (const displayName of ['evil\u202egnp.exe', 'ad\u200bmin', '\u2066iso\u2069', 'bom\ufeff']) {
        const res = await fetch(`${fx.server.url}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName }) });
        assert.equal(res.status, 400, JSON.stringify(displayName));
        const body = (await res.json()) as { code: string; message: string };
        assert.deepEqual([body.code, /^displayName must not contain bidi controls or zero-width characters/.test(body.message)], ['INVALID_INPUT', true], body.message);
      }
    });

    test('an old token whose name holds NUL, a bidi override or a zero-width space is refused 400 in every room', async () => {
      for (const name of ['nul\u0000', 'evil\u202egnp.exe', 'ad\u200bmin']) {
        const userId = newId();
        const token = await new SignJWT({ sub: userId, role: 'player', name, gen: 0 }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(Buffer.from(TEST_JWT_SECRET));
        for (const roomName of [RoomName.player, RoomName.crash, RoomName.board]) {
          const made = await matchmake(fx.server.url, roomName, { token });
          assert.equal(made.status, 400, `${roomName}, ${JSON.stringify(name)}: ${made.status} ${made.error}`);
          assert.match(made.error ?? '', /^INVALID_INPUT: .*sign in again/);
        }
      }
    });
  });
}

/**
 * A hostile client: the moment the server's close frame arrives it drops the TCP connection, before
 * its WebSocket library answers the frame, so the server sees 1006 instead of the 4403 it sent.
 */
function answerWithNoCloseFrame(room: RawRoom): void {
  const tcp = (room.socket as unknown as { _socket: Socket })._socket;
  let pending = Buffer.alloc(0);
  tcp.prependListener('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // Server frames are unmasked: [FIN|opcode, length (7 bits, or 126 + 16 bits, or 127 + 64 bits), payload].
    while (pending.length >= 2) {
      let length = pending[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        [length, offset] = [pending.readUInt16BE(2), 4];
      } else if (length === 127) {
        if (pending.length < 10) return;
        [length, offset] = [Number(pending.readBigUInt64BE(2)), 10];
      }
      if ((pending[0]! & 0x0f) === 0x8) return void tcp.destroy();
      if (pending.length < offset + length) return;
      pending = pending.subarray(offset + length);
    }
  });
}

function helpers(fx: ServerFixture) {
  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${fx.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
  async function guest(): Promise<Session> {
    const res = await post('/auth/guest', {});
    assert.equal(res.status, 200);
    return (await res.json()) as Session;
  }
  async function adminSession(): Promise<Session> {
    const res = await post('/auth/admin', { password: TEST_ADMIN_PASSWORD });
    assert.equal(res.status, 200);
    return (await res.json()) as Session;
  }
  async function join(roomName: string, token: string): Promise<Joined> {
    const made = await matchmake(fx.server.url, roomName, { token });
    assert.ok(made.seat, `join ${roomName}: ${made.status} ${made.error}`);
    const room = await RawRoom.open(fx.server.url, made.seat, { token });
    return { room, seat: made.seat, reconnectionToken: room.reconnectionToken };
  }
  async function send(room: RawRoom, type: string, fields: Record<string, unknown>) {
    const id = newId();
    const reply = room.reply(id);
    room.send(type, { id, ...fields });
    return reply;
  }
  /** As the SDK reconnects: the matchmaker's seat for the token, then the socket with it (and `token` as _authToken). */
  async function reconnect(joined: Joined, token: string | undefined, opts: { host?: string } = {}): Promise<Outcome> {
    const made = await matchmake(fx.server.url, joined.seat.roomId, { method: 'reconnect', options: { reconnectionToken: joined.reconnectionToken } });
    if (!made.seat) return { refused: 'no seat', detail: `${made.status} ${made.error}` };
    assert.equal(made.seat.sessionId, joined.seat.sessionId);
    const headers = opts.host ? { host: opts.host } : undefined;
    return RawRoom.open(fx.server.url, made.seat, { token, headers, reconnectionToken: joined.reconnectionToken }).then(
      (room) => ({ joined: room }),
      (error: Error) => ({ refused: /upgrade refused/.test(error.message) ? 'upgrade' : 'socket', detail: error.message }),
    );
  }
  /** admin.kick (with a ban for 'ban') or admin.sessions.revoke, from an admin room of its own. */
  async function end(how: 'kick' | 'ban' | 'revoke', userId: string): Promise<void> {
    const admin = await join(RoomName.admin, (await adminSession()).token);
    const reply = how === 'revoke' ? await send(admin.room, AdminCommandType.sessionsRevoke, { userId, reason: 'test' }) : await send(admin.room, AdminCommandType.kick, { userId, reason: 'test', ...(how === 'ban' ? { banSeconds: 600 } : {}) });
    assert.ok('ack' in reply, JSON.stringify(reply));
    admin.room.close();
  }
  async function balance(userId: string): Promise<number> {
    const [row] = await queryRows<{ balance: string }>(fx.db.url, `SELECT coalesce((SELECT balance FROM balances WHERE account = $1 AND currency = 'gold'), 0) AS balance`, [userId]);
    return Number(row!.balance);
  }
  return { guest, adminSession, join, send, reconnect, end, balance };
}
