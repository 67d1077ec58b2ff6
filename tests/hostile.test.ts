// The hostile input suite, table-driven: every case is bad input from a client, with the
// answer docs/PROTOCOL.md ("Hostile input") documents for it. For every case the test checks that answer,
// that nothing was written (a digest of every table before and after; admin_audit is left out, as
// refused admin commands are audited on purpose), and that the server still serves another player
// (a paid command acked after the case).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { AdminCommandType, BoardCommandType, CommandType, CrashCommandType } from '../shared/commandNames.ts';
import { CloseCode, PROTOCOL_VERSION, RoomName, type ErrorCode } from '../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../shared/state.ts';
import { expectAck, joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection, type Session } from './support/client.ts';
import { serverFixture } from './support/fixture.ts';
import { tableDigests } from './support/digest.ts';
import { fundNewPlayer } from './support/ledger.ts';
import { matchmake, RawRoom, roomDataFrame, ROOM_DATA, upgradeStatus, type Reply } from './support/rawRoom.ts';
import { reportedHosts } from './support/malformedRequests.ts';
import { TEST_ADMIN_PASSWORD, TEST_JWT_SECRET } from './support/server.ts';

const GAME_ORIGIN = 'https://game.example';
const EVIL_ORIGIN = 'https://evil.example';
// A betting phase longer than the file: the crash table writes no rounds while cases are digested.
const fx = serverFixture('hostile', { ALLOWED_ORIGINS: GAME_ORIGIN, CRASH_BETTING_MS: '600000' });

/** What a case observed: a reply, a close, an HTTP or join answer, or nothing (the probe answered). */
type Observed =
  | { nack: ErrorCode; message: string; retryable: boolean }
  | { ack: true }
  | { close: number }
  | { status: number; code?: string; allowOrigin?: string | null }
  | { ignored: true };

type Expected =
  | { nack: ErrorCode; names?: RegExp }
  | { close: number[] }
  | { status: number; code?: string; allowOrigin?: string | null }
  | { ignored: true };

type Ctx = { url: string; port: number; attacker: Session; victim: Session; admin: Session };
type Case = { name: string; expect: Expected; run(ctx: Ctx): Promise<Observed> };

const ID = 'hostile-id-0001';

/** The first reply to, or the close after, what `send` puts on a fresh socket in `room`. */
async function onFreshSocket(ctx: Ctx, send: (room: RawRoom) => void, room: string = RoomName.player, token = ctx.attacker.token): Promise<Observed> {
  const raw = await RawRoom.join(ctx.url, room, token);
  try {
    const reply = raw.nextReply();
    send(raw);
    return await Promise.race([reply.then(observedReply), raw.closed.then(({ code }) => ({ close: code }))]);
  } finally {
    raw.close();
  }
}

function observedReply(reply: Reply): Observed {
  return 'ack' in reply ? { ack: true } : { nack: reply.nack.code, message: reply.nack.message, retryable: reply.nack.retryable };
}

/** A command with a bad payload: the first reply or close. Admin-room commands are sent as the admin. */
function command(name: string, type: string, payload: unknown, expect: Expected, room: string = RoomName.player): Case {
  return { name, expect, run: (ctx) => onFreshSocket(ctx, (raw) => raw.send(type, payload), room, room === RoomName.admin ? ctx.admin.token : ctx.attacker.token) };
}

/** Raw bytes on the socket, then a harmless `events.sync`: `ignored` when the sync's ack comes first. */
function frame(name: string, bytes: Uint8Array | string, expect: Expected): Case {
  return {
    name,
    expect,
    run: (ctx) =>
      onFreshSocket(ctx, (raw) => {
        raw.sendFrame(bytes);
        raw.send(CommandType.eventsSync, { id: 'probe-after-frame', afterSeq: 0 });
      }).then((o) => ('ack' in o ? { ignored: true } : o)),
  };
}

function nack(code: ErrorCode, names?: RegExp): Expected {
  return names ? { nack: code, names } : { nack: code };
}

async function join(ctx: Ctx, room: string, token: string | undefined, options: Record<string, unknown> = { protocol: PROTOCOL_VERSION }, origin?: string, method?: 'create'): Promise<Observed> {
  const made = await matchmake(ctx.url, room, { token, options, origin, method });
  if (made.seat) return { status: made.status };
  return { status: made.status, code: /^([A-Z_]+)/.exec(made.error ?? '')?.[1] ?? (made.body as { code?: string }).code };
}

function joinCase(name: string, room: string, token: (ctx: Ctx) => Promise<string | undefined> | string | undefined, expect: Expected, options?: (ctx: Ctx) => Record<string, unknown>): Case {
  return { name, expect, run: async (ctx) => join(ctx, room, await token(ctx), options?.(ctx) ?? { protocol: PROTOCOL_VERSION }) };
}

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const sign = (claims: Record<string, unknown>, sub: string, exp: number | string = '1h', secret = key) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(exp).sign(secret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function http(ctx: Ctx, path: string, init: RequestInit = {}): Promise<Observed> {
  const res = await fetch(`${ctx.url}${path}`, init);
  const body = (await res.json().catch(() => ({}))) as { code?: string };
  return { status: res.status, ...(body.code ? { code: body.code } : {}), allowOrigin: res.headers.get('access-control-allow-origin') };
}

/** One request written by hand; `close` is the response status (0: none) once the server hangs up. */
function rawHttp(port: number, request: string): Promise<Observed> {
  return slowHttp(port, request);
}

/** A client that trickles header or body bytes and never finishes: what the server does with it. */
function slowHttp(port: number, start: string, drip?: string): Promise<Observed> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => undefined);
    socket.write(start);
    const dripping = setInterval(() => drip && socket.writable && socket.write(drip), 500);
    socket.on('close', () => {
      clearInterval(dripping);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      resolve({ close: status });
    });
  });
}

const cases: Case[] = [
  // Frames
  { name: 'oversized frame (5 KB, over MAX_PAYLOAD_BYTES)', expect: { close: [1006, 1009] }, run: (ctx) => onFreshSocket(ctx, (raw) => raw.send('game.slot', { id: ID, bet: 1, pad: 'x'.repeat(5000) })) },
  frame('malformed msgpack body', roomDataFrame('game.slot', null, new Uint8Array([0xc1, 0xff, 0x00])), { close: [4002] }),
  frame('truncated msgpack map', roomDataFrame('game.slot', null, new Uint8Array([0x83, 0xa2, 0x69, 0x64])), { close: [4002] }),
  frame('message type cut off mid-string', new Uint8Array([ROOM_DATA, 0xbf]), nack('INVALID_INPUT', /payload/)),
  frame('room message with no type and no body', new Uint8Array([ROOM_DATA]), nack('INVALID_INPUT', /payload/)),
  frame('numeric message type', new Uint8Array([ROOM_DATA, 0x05, 0x80]), nack('INVALID_INPUT', /not a command/)),
  frame('empty binary frame', new Uint8Array([]), { ignored: true }),
  frame('text frame', 'hello', { ignored: true }),
  frame('unknown Colyseus protocol byte', new Uint8Array([99, 1, 2, 3]), { ignored: true }),
  // Payloads that are not a command object
  command('payload is a number', 'game.slot', 5, nack('INVALID_INPUT', /payload/)),
  command('payload is an array', 'game.slot', [ID, 1], nack('INVALID_INPUT', /payload/)),
  command('payload is null', 'game.slot', null, nack('INVALID_INPUT', /payload/)),
  command('payload is a string', 'game.slot', 'bet everything', nack('INVALID_INPUT', /payload/)),
  command('id missing', 'game.slot', { bet: 1 }, nack('INVALID_INPUT', /\bid\b/)),
  command('id too short', 'game.slot', { id: 'abc', bet: 1 }, nack('INVALID_INPUT', /\bid\b/)),
  command('id with path characters', 'game.slot', { id: '../../etc/passwd', bet: 1 }, nack('INVALID_INPUT', /\bid\b/)),
  command('id of 65 characters', 'game.slot', { id: 'a'.repeat(65), bet: 1 }, nack('INVALID_INPUT', /\bid\b/)),
  command('id is a number', 'game.slot', { id: 12345678, bet: 1 }, nack('INVALID_INPUT', /\bid\b/)),
  // Types
  command('unknown message type', 'game.jackpot', { id: ID }, nack('INVALID_INPUT', /game\.jackpot/)),
  command('type __proto__', '__proto__', { id: ID }, nack('INVALID_INPUT', /__proto__/)),
  command('type constructor', 'constructor', { id: ID }, nack('INVALID_INPUT', /constructor/)),
  command('type toString', 'toString', { id: ID }, nack('INVALID_INPUT', /toString/)),
  command('type *', '*', { id: ID }, nack('INVALID_INPUT', /not a command/)),
  command('type of 2,000 characters', 'x'.repeat(2000), { id: ID }, nack('INVALID_INPUT', /not a command/)),
  command('admin command in a player room', AdminCommandType.grant, { id: ID, userId: 'me', amount: 1000, reason: 'free' }, nack('FORBIDDEN', /admin/)),
  command('crash command in a player room', CrashCommandType.bet, { id: ID, amount: 1 }, nack('INVALID_INPUT', /not a command/)),
  // Numbers
  command('bet NaN', 'game.slot', { id: ID, bet: Number.NaN }, nack('INVALID_INPUT', /^bet/)),
  command('bet Infinity', 'game.slot', { id: ID, bet: Number.POSITIVE_INFINITY }, nack('INVALID_INPUT', /^bet/)),
  command('bet -Infinity', 'game.slot', { id: ID, bet: Number.NEGATIVE_INFINITY }, nack('INVALID_INPUT', /^bet/)),
  command('bet -0', 'game.slot', { id: ID, bet: -0 }, nack('INVALID_INPUT', /^bet/)),
  command('bet 0', 'game.slot', { id: ID, bet: 0 }, nack('INVALID_INPUT', /^bet/)),
  command('bet 1.5 (a fraction)', 'game.slot', { id: ID, bet: 1.5 }, nack('INVALID_INPUT', /^bet/)),
  command('bet 0.1 + 0.2 (float noise)', 'game.rps', { id: ID, bet: 0.1 + 0.2, hand: 'rock' }, nack('INVALID_INPUT', /^bet/)),
  command('bet -5 (negative)', 'game.slot', { id: ID, bet: -5 }, nack('INVALID_INPUT', /^bet/)),
  command('bet 2^53 (not a safe integer)', 'game.slot', { id: ID, bet: 2 ** 53 }, nack('INVALID_INPUT', /^bet/)),
  command('bet 1e308 (huge)', 'game.slot', { id: ID, bet: 1e308 }, nack('INVALID_INPUT', /^bet/)),
  command('bet one over the maximum', 'game.slot', { id: ID, bet: 1_000_001 }, nack('INVALID_INPUT', /^bet/)),
  command('bet as uint64 max (msgpack 64-bit integer)', 'game.slot', { id: ID, bet: 2n ** 64n - 1n }, nack('INVALID_INPUT', /^bet/)),
  command('bet as a string', 'game.slot', { id: ID, bet: '10' }, nack('INVALID_INPUT', /^bet/)),
  command('bet as a boolean', 'game.slot', { id: ID, bet: true }, nack('INVALID_INPUT', /^bet/)),
  command('bet as an object', 'game.slot', { id: ID, bet: { $gt: 0 } }, nack('INVALID_INPUT', /^bet/)),
  command('gacha pulls 5', 'game.gacha', { id: ID, pulls: 5 }, nack('INVALID_INPUT', /^pulls/)),
  command('gacha pulls -10', 'game.gacha', { id: ID, pulls: -10 }, nack('INVALID_INPUT', /^pulls/)),
  command('shop qty 0', CommandType.shopBuy, { id: ID, itemId: 'sword', qty: 0 }, nack('INVALID_INPUT', /^qty/)),
  command('shop qty 1e9', CommandType.shopBuy, { id: ID, itemId: 'sword', qty: 1e9 }, nack('INVALID_INPUT', /^qty/)),
  command('events.sync afterSeq -1', CommandType.eventsSync, { id: ID, afterSeq: -1 }, nack('INVALID_INPUT', /^afterSeq/)),
  command('events.sync afterSeq NaN', CommandType.eventsSync, { id: ID, afterSeq: Number.NaN }, nack('INVALID_INPUT', /^afterSeq/)),
  // Strings and keys
  command('rps hand not in the list', 'game.rps', { id: ID, bet: 1, hand: 'lizard' }, nack('INVALID_INPUT', /^hand/)),
  command('rps hand of 3,000 characters', 'game.rps', { id: ID, bet: 1, hand: 'r'.repeat(3000) }, nack('INVALID_INPUT', /^hand/)),
  command('shop itemId __proto__', CommandType.shopBuy, { id: ID, itemId: '__proto__', qty: 1 }, nack('INVALID_INPUT', /^itemId/)),
  command('unknown field (admin: true)', 'game.slot', { id: ID, bet: 1, admin: true }, nack('INVALID_INPUT', /admin is not a field/)),
  command('__proto__ key in the payload', 'game.slot', withKey({ id: ID, bet: 1 }, '__proto__', { bet: 1_000_000, admin: true }), nack('INVALID_INPUT', /__proto__? is not a field/)),
  command('constructor key in the payload', 'game.slot', withKey({ id: ID, bet: 1 }, 'constructor', { prototype: { admin: true } }), nack('INVALID_INPUT', /constructor is not a field/)),
  // Other rooms
  command('admin.grant amount 1.5', AdminCommandType.grant, { id: ID, userId: 'someone', amount: 1.5, reason: 'x' }, nack('INVALID_INPUT', /^amount/), RoomName.admin),
  command('admin.grant amount 2^53', AdminCommandType.grant, { id: ID, userId: 'someone', amount: 2 ** 53, reason: 'x' }, nack('INVALID_INPUT', /^amount/), RoomName.admin),
  command('admin.grant reason of 201 characters', AdminCommandType.grant, { id: ID, userId: 'someone', amount: 5, reason: 'r'.repeat(201) }, nack('INVALID_INPUT', /^reason/), RoomName.admin),
  command('admin.grant userId with spaces', AdminCommandType.grant, { id: ID, userId: 'drop table', amount: 5, reason: 'x' }, nack('INVALID_INPUT', /^userId/), RoomName.admin),
  command('board task.accept of an unknown task', BoardCommandType.taskAccept, { id: ID, taskId: 'no-such-task' }, nack('NOT_FOUND', /task/), RoomName.board),
  command('admin.grant amount as a 64-bit integer (audited too)', AdminCommandType.grant, { id: ID, userId: 'someone', amount: 2n ** 63n - 1n, reason: 'x' }, nack('INVALID_INPUT', /^amount is a 64-bit integer/), RoomName.admin),
  command('admin.kick reason with NUL', AdminCommandType.kick, { id: ID, userId: 'someone', reason: 'bye\u0000' }, nack('INVALID_INPUT', /^reason must not contain control characters/), RoomName.admin),
  command('crash.bet amount -1', CrashCommandType.bet, { id: ID, amount: -1 }, nack('INVALID_INPUT', /^amount/), RoomName.crash),
  command('crash.bet amount 0.5', CrashCommandType.bet, { id: ID, amount: 0.5 }, nack('INVALID_INPUT', /^amount/), RoomName.crash),
  // Flood
  {
    name: 'a flood of 300 messages: RATE_LIMITED (retryable), then close 4429',
    expect: { close: [CloseCode.RATE_LIMITED] },
    async run(ctx) {
      const raw = await RawRoom.join(ctx.url, RoomName.player, ctx.attacker.token);
      for (let i = 0; i < 300; i++) raw.send('flood.junk', { id: `flood-${String(i).padStart(4, '0')}` });
      const { code } = await raw.closed;
      const limited = raw.replies.filter((r) => 'nack' in r && r.nack.code === 'RATE_LIMITED');
      assert.ok(limited.length > 0, 'RATE_LIMITED came before the close');
      assert.ok(limited.every((r) => 'nack' in r && r.nack.retryable), 'RATE_LIMITED is retryable');
      return { close: code };
    },
  },
  // Tokens and joins
  joinCase('no token', RoomName.player, () => undefined, { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('a token that is not a JWT', RoomName.player, () => 'not-a-jwt', { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('an expired token', RoomName.player, (ctx) => sign({ role: 'player', name: 'x' }, ctx.attacker.userId, Math.floor(Date.now() / 1000) - 60), { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('a token signed with another secret', RoomName.player, (ctx) => sign({ role: 'player', name: 'x' }, ctx.attacker.userId, '1h', new TextEncoder().encode('another-secret-another-secret-0000')), { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('a tampered token (role changed to admin, signature kept)', RoomName.admin, (ctx) => {
    const [header, payload, signature] = ctx.attacker.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    return `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
  }, { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('an unsigned token (alg none)', RoomName.admin, (ctx) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ctx.attacker.userId, role: 'admin', name: 'x', exp: Math.floor(Date.now() / 1000) + 3600 })}.`, { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('a signed token without a role', RoomName.player, (ctx) => sign({ name: 'x' }, ctx.attacker.userId), { status: 401, code: 'UNAUTHORIZED' }),
  joinCase('a player token for the admin room (wrong role)', RoomName.admin, (ctx) => ctx.attacker.token, { status: 403, code: 'FORBIDDEN' }),
  joinCase("joining another user's player room", RoomName.player, (ctx) => ctx.attacker.token, { status: 403, code: 'FORBIDDEN' }, (ctx) => ({ protocol: PROTOCOL_VERSION, userId: ctx.victim.userId })),
  {
    name: "joinById into another user's player room",
    expect: { status: 403, code: 'FORBIDDEN' },
    async run(ctx) {
      const victimSeat = await matchmake(ctx.url, RoomName.player, { token: ctx.victim.token });
      const made = await matchmake(ctx.url, victimSeat.seat!.roomId, { token: ctx.attacker.token, method: 'joinById' });
      return { status: made.status, code: /^([A-Z_]+)/.exec(made.error ?? '')?.[1] };
    },
  },
  joinCase('a userId join option with path characters', RoomName.player, (ctx) => ctx.attacker.token, { status: 400, code: 'INVALID_INPUT' }, () => ({ protocol: PROTOCOL_VERSION, userId: '../victim' })),
  joinCase('no protocol version', RoomName.player, (ctx) => ctx.attacker.token, { status: 426, code: 'CLIENT_TOO_OLD' }, () => ({})),
  joinCase('a protocol version from the future', RoomName.player, (ctx) => ctx.attacker.token, { status: 501, code: 'SERVER_TOO_OLD' }, () => ({ protocol: PROTOCOL_VERSION + 1 })),
  joinCase('a crash table with a made-up name', RoomName.crash, (ctx) => ctx.attacker.token, { status: 404, code: 'NOT_FOUND' }, () => ({ protocol: PROTOCOL_VERSION, table: 'made-up' })),
  joinCase('a board with a made-up name', RoomName.board, (ctx) => ctx.attacker.token, { status: 404, code: 'NOT_FOUND' }, () => ({ protocol: PROTOCOL_VERSION, board: 'made-up' })),
  {
    name: "a client's create on the crash table (a takeover of the live room)",
    expect: { status: 403, code: 'FORBIDDEN' },
    run: (ctx) => join(ctx, RoomName.crash, ctx.attacker.token, { protocol: PROTOCOL_VERSION, table: 'main' }, undefined, 'create'),
  },
  {
    name: 'a WebSocket to a real room with a made-up session id',
    expect: { close: [4002] },
    async run(ctx) {
      const made = await matchmake(ctx.url, RoomName.player, { token: ctx.attacker.token });
      const socket = RawRoom.connect(ctx.url, { ...made.seat!, sessionId: 'made-up-session' }, { token: ctx.attacker.token });
      const code = await new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
      return { close: code };
    },
  },
  // Origins
  { name: 'matchmaking from a disallowed Origin', expect: { status: 403, code: 'FORBIDDEN' }, run: (ctx) => join(ctx, RoomName.player, ctx.attacker.token, { protocol: PROTOCOL_VERSION }, EVIL_ORIGIN) },
  { name: 'matchmaking from Origin null (sandboxed page)', expect: { status: 403, code: 'FORBIDDEN' }, run: (ctx) => join(ctx, RoomName.player, ctx.attacker.token, { protocol: PROTOCOL_VERSION }, 'null') },
  {
    name: 'guest sign-in from a disallowed Origin',
    expect: { status: 403, code: 'FORBIDDEN', allowOrigin: null },
    run: (ctx) => http(ctx, '/auth/guest', { method: 'POST', headers: { origin: EVIL_ORIGIN, 'content-type': 'application/json' }, body: '{}' }),
  },
  {
    name: 'CORS preflight from a disallowed Origin names no origin',
    expect: { status: 204, allowOrigin: null },
    run: (ctx) => http(ctx, '/auth/guest', { method: 'OPTIONS', headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST' } }),
  },
  {
    name: 'an allowed Origin is served and named in CORS (control case)',
    expect: { status: 200, allowOrigin: GAME_ORIGIN },
    run: (ctx) => http(ctx, '/shop', { headers: { origin: GAME_ORIGIN } }),
  },
  {
    name: 'a WebSocket upgrade from a disallowed Origin with a valid seat',
    expect: { status: 403 },
    async run(ctx) {
      const made = await matchmake(ctx.url, RoomName.player, { token: ctx.attacker.token });
      const socket = RawRoom.connect(ctx.url, made.seat!, { token: ctx.attacker.token, origin: EVIL_ORIGIN });
      return { status: await upgradeStatus(socket) };
    },
  },
  // HTTP
  { name: 'malformed JSON to /auth/guest', expect: { status: 400, allowOrigin: null }, run: (ctx) => http(ctx, '/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"displayName":' }) },
  {
    name: 'displayName with NUL (it made every later join fail)',
    expect: { status: 400, code: 'INVALID_INPUT', allowOrigin: null },
    run: (ctx) => http(ctx, '/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'ada\u0000' }) }),
  },
  {
    name: 'a Host that is not a name of this server, with the matching Origin (DNS rebinding)',
    expect: { close: [403] },
    run: (ctx) => rawHttp(ctx.port, `GET /shop HTTP/1.1\r\nHost: attacker.example:${ctx.port}\r\nOrigin: http://attacker.example:${ctx.port}\r\nConnection: close\r\n\r\n`),
  },
  // Requests Colyseus could not read (it builds a URL from Host, target and, on ws,
  // X-Forwarded-Proto): each once ended the process; now 400 at the transport edge.
  ...reportedHosts(2567).map(
    (host): Case => ({
      name: `a Host that is not host[:port]: ${JSON.stringify(host)}`,
      expect: { close: [400] },
      run: (ctx) => rawHttp(ctx.port, `GET /health/live HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    }),
  ),
  {
    name: 'a WebSocket upgrade with a Host that is not host[:port]',
    expect: { close: [400] },
    run: (ctx) =>
      rawHttp(ctx.port, 'GET /p/r?sessionId=s HTTP/1.1\r\nHost: [::1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
  },
  {
    name: 'X-Forwarded-Proto that is not http or https',
    expect: { close: [400] },
    run: (ctx) => rawHttp(ctx.port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: a b\r\nConnection: close\r\n\r\n'),
  },
  {
    // uWS' own parser answers an absolute-form target 505 before any JavaScript runs.
    name: 'an absolute-form target (GET http://evil.example/...)',
    expect: { close: [400, 505] },
    run: (ctx) => rawHttp(ctx.port, 'GET http://evil.example/health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
  },
  {
    name: 'displayName of 10,000 characters',
    expect: { status: 400, code: 'INVALID_INPUT', allowOrigin: null },
    run: (ctx) => http(ctx, '/auth/guest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'd'.repeat(10_000) }) }),
  },
  {
    name: 'a body declared over 64 KB (50 MB) is refused unread with 413',
    expect: { close: [413] },
    run: (ctx) => rawHttp(ctx.port, 'POST /auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"displayName":"xxxx'),
  },
  {
    name: 'a chunked body that grows past 64 KB is cut off',
    expect: { close: [0] },
    async run(ctx) {
      const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const answer = await fetch(`${ctx.url}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit).then(
        (res) => ({ status: res.status }),
        () => ({ close: 0 }),
      );
      return answer;
    },
  },
  {
    name: 'slowloris: 20 clients trickling headers and 20 trickling a body are all cut off, others served meanwhile',
    expect: { close: [0, 408] },
    async run(ctx) {
      const headers = Array.from({ length: 20 }, () => slowHttp(ctx.port, 'POST /auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: a\r\n'));
      const bodies = Array.from({ length: 20 }, () =>
        slowHttp(ctx.port, 'POST /auth/guest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ' '),
      );
      assert.deepEqual(await http(ctx, '/health/live'), { status: 200, allowOrigin: null }, 'served while the slow clients hang on');
      const closes = await Promise.all([...headers, ...bodies]);
      const statuses = new Set(closes.map((c) => ('close' in c ? c.close : -1)));
      assert.equal(statuses.size, 1, `every slow client got the same answer: ${[...statuses].join(', ')}`);
      return closes[0]!;
    },
  },
];

/** `payload` with an own enumerable `key` (`__proto__` included), as a hostile encoder would send. */
function withKey(payload: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const copy = { ...payload };
  Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function assertOutcome(observed: Observed, expected: Expected): void {
  if ('nack' in expected) {
    assert.ok('nack' in observed, `expected nack ${expected.nack}, observed ${JSON.stringify(observed)}`);
    assert.equal(observed.nack, expected.nack);
    if (expected.names) assert.match(observed.message, expected.names, 'the message names the field at fault');
    assert.equal(observed.retryable, false, 'bad input is not retryable');
  } else if ('close' in expected) {
    assert.ok('close' in observed, `expected a close, observed ${JSON.stringify(observed)}`);
    assert.ok(expected.close.includes(observed.close), `close ${observed.close}, expected one of ${expected.close.join(', ')}`);
  } else {
    assert.deepEqual(observed, expected);
  }
}

describe('hostile input: documented answer, nothing written, others still served', () => {
  let ctx: Ctx;
  let bystander: PlayerConnection;
  let anchor: PlayerConnection;

  before(async () => {
    const url = fx.server.url;
    const [attacker, victim, bystanderSession] = await Promise.all([signInGuest(url), signInGuest(url), signInGuest(url)]);
    ctx = { url, port: fx.server.port, attacker, victim, admin: await signInAdmin(url, TEST_ADMIN_PASSWORD) };
    await fundNewPlayer(fx.db.url, bystanderSession.userId, 1_000_000);
    bystander = await joinPlayerRoom(url, bystanderSession.token);
    // Keeps every room a case joins open, so no case creates one (a room's creation writes its fence).
    anchor = await joinPlayerRoom(url, attacker.token);
    await joinPlayerRoom(url, victim.token);
    await joinRoom(url, attacker.token, RoomName.board, BoardState);
    await joinRoom(url, attacker.token, RoomName.crash, CrashState);
    await joinRoom(url, ctx.admin.token, RoomName.admin, AdminState);
  });

  after(async () => {
    await bystander?.leave();
    await anchor?.leave();
  });

  test('the table holds at least 50 cases', () => {
    assert.ok(cases.length >= 50, `${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
  });

  for (const c of cases) {
    test(c.name, async () => {
      const before = await tableDigests(fx.db.url);
      const observed = await c.run(ctx);
      assertOutcome(observed, c.expect);
      assert.deepEqual(await tableDigests(fx.db.url), before, 'nothing was written');
      expectAck(await bystander.send('game.slot', { bet: 1 }, newId()));
    });
  }
});
