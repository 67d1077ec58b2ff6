// Malformed HTTP requests and WebSocket upgrades, as raw bytes, from a seeded generator: hosts,
// targets, methods, X-Forwarded-Proto values and header bytes a hostile client can send. The
// same seed gives the same requests, so a failure replays. Also the raw-TCP client that sends one.
import { connect } from 'node:net';

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, below: number) => Math.floor(random() * below);

/** Random bytes, biased towards the ones parsers trip on (NUL, CR, LF, space, #, @, :, [, ], %, obs-text). */
function bytes(random: Random, max: number): Buffer {
  const tricky = [0, 9, 10, 13, 32, 35, 37, 44, 47, 58, 63, 64, 91, 93, 92, 127, 0x80, 0xc3, 0xef, 0xff];
  return Buffer.from(Array.from({ length: int(random, max + 1) }, () => (random() < 0.4 ? pick(random, tricky) : int(random, 256))));
}

function port(random: Random): string {
  return pick(random, ['', ':', ':0', ':1', ':80', ':65535', ':65536', ':99999', ':123456', ':-1', ':abc', ':8o', ': 80', '::', `:${int(random, 200_000)}`]);
}

/** Host header values: the forms reported to end the process, and random variations of every part. */
export function host(random: Random, serverPort: number): Buffer {
  const known = [
    '::1', 'a b', 'localhost:99999', '[::1', `evil@localhost:${serverPort}`, 'localhost, evil.example', 'ｌｏｃａｌｈｏｓｔ', 'localhost#x',
    'localhost?x', 'localhost/x', '[::1]]', '[]', '[:::]', '[::1%eth0]', '[v1.x]', 'http://localhost', '', ' ', 'localhost:', '1.2.3.4.5.6',
    '%6cocalhost', 'local\\host', 'localhost\u0000', '127.0.0.1:80:80', 'xn--', '.', '..', `${'a'.repeat(300)}.example`,
  ];
  const names = ['localhost', '127.0.0.1', '[::1]', 'evil.example', '[::ffff:127.0.0.1]', 'LOCALHOST.', '0x7f.1', 'ex ample', 'ex@mple', 'ex#mple'];
  switch (int(random, 4)) {
    case 0:
      return Buffer.from(pick(random, known));
    case 1:
      return Buffer.from(pick(random, names) + port(random));
    case 2:
      return Buffer.concat([Buffer.from(pick(random, names)), bytes(random, 6), Buffer.from(port(random))]);
    default:
      return bytes(random, 24);
  }
}

/** Request targets: origin-form with bad bytes, absolute-form, asterisk-form, authority-form, none. */
export function target(random: Random): Buffer {
  const known = [
    '/health/live', '/auth/guest', '/matchmake/joinOrCreate/player', '/', '*', 'http://evil.example/health/live', 'https://localhost/health/live',
    '//evil.example/x', 'localhost:80', 'health/live', '/health/live#frag', '/health/live?#', '/%', '/%zz', '/%00', '/a/../../etc', '/\\evil.example',
    '/health/live?x=%', `/${'x'.repeat(5000)}`, '', '?', '#', 'ws://localhost/x',
  ];
  const base = pick(random, known);
  return random() < 0.5 ? Buffer.from(base) : Buffer.concat([Buffer.from(base), bytes(random, 8)]);
}

export function method(random: Random): Buffer {
  const known = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get', 'G ET', 'PRI', 'M-SEARCH', 'PROPFIND', ''];
  return random() < 0.85 ? Buffer.from(pick(random, known)) : bytes(random, 10);
}

function forwardedProto(random: Random): Buffer | undefined {
  if (random() < 0.1) return undefined;
  const known = ['http', 'https', 'HTTPS', 'a b', 'ws', 'javascript', 'http, https', 'https://evil', '', 'h\u00e9', 'http:', '1http'];
  return random() < 0.7 ? Buffer.from(pick(random, known)) : bytes(random, 10);
}

/** Extra headers, some with names or values no parser should take. */
function noise(random: Random): Buffer[] {
  const lines: Buffer[] = [];
  const count = 1 + int(random, 3);
  for (let i = 0; i < count; i++) {
    switch (int(random, 6)) {
      case 0:
        lines.push(Buffer.concat([Buffer.from('X-Fuzz: '), bytes(random, 20)]));
        break;
      case 1:
        lines.push(Buffer.concat([bytes(random, 8), Buffer.from(': v')]));
        break;
      case 2:
        lines.push(Buffer.from(pick(random, ['Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999999999999', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked'])));
        break;
      case 3:
        lines.push(Buffer.from(pick(random, ['Origin: null', 'Origin: http://evil.example', 'Origin: \u00ff', 'Authorization: Bearer x', 'Cookie: a=b', ' folded: line'])));
        break;
      case 4:
        lines.push(Buffer.concat([Buffer.from('Host: '), host(random, 1)]));
        break;
      default:
        lines.push(Buffer.concat([Buffer.from('X-Long: '), Buffer.alloc(int(random, 9000), 'y')]));
    }
  }
  return lines;
}

/** What one request gets wrong; the rest of it is well formed, so it reaches the server's code. */
const FAULTS = ['host', 'host', 'host', 'target', 'target', 'method', 'proto', 'proto', 'header', 'framing', 'everything'] as const;

/** One malformed request's bytes; `upgrade` adds a WebSocket handshake. */
export function malformedRequest(random: Random, serverPort: number, upgrade: boolean): Buffer {
  const fault = pick(random, FAULTS);
  const wrong = (part: (typeof FAULTS)[number]) => fault === part || fault === 'everything';
  const roomPath = `/${pick(random, ['proc', 'x'])}/${pick(random, ['room', '%00', ''])}?sessionId=s&_authToken=${pick(random, ['x', '', '%'])}`;
  const requestTarget = wrong('target') ? target(random) : Buffer.from(upgrade ? roomPath : pick(random, ['/health/live', '/auth/guest', '/matchmake/joinOrCreate/player', '/']));
  const requestMethod = wrong('method') ? method(random) : Buffer.from(upgrade ? 'GET' : pick(random, ['GET', 'POST', 'OPTIONS', 'HEAD']));
  const version = wrong('framing') ? pick(random, [' HTTP/1.1', ' HTTP/1.0', ' HTTP/2.0', ' HTTP/1.1 x', '']) : ' HTTP/1.1';
  const lines: Buffer[] = [Buffer.concat([requestMethod, Buffer.from(' '), requestTarget, Buffer.from(version)])];
  if (!wrong('host')) lines.push(Buffer.from(`Host: ${pick(random, [`localhost:${serverPort}`, '127.0.0.1'])}`));
  else if (random() < 0.9) lines.push(Buffer.concat([Buffer.from('Host: '), host(random, serverPort)]));
  const proto = wrong('proto') ? forwardedProto(random) : undefined;
  if (proto) lines.push(Buffer.concat([Buffer.from('X-Forwarded-Proto: '), proto]));
  if (upgrade) {
    lines.push(Buffer.from('Upgrade: websocket'), Buffer.from('Connection: Upgrade'), Buffer.from(`Sec-WebSocket-Key: ${pick(random, ['dGhlIHNhbXBsZSBub25jZQ==', 'short', ''])}`));
    if (random() < 0.8) lines.push(Buffer.from('Sec-WebSocket-Version: 13'));
  } else if (random() < 0.5) {
    lines.push(Buffer.from('Connection: close'));
  }
  if (wrong('header')) lines.push(...noise(random));
  const end = wrong('framing') ? pick(random, ['\r\n', '\n', '\r']) : '\r\n';
  const trailer = wrong('framing') && random() < 0.5 ? bytes(random, 32) : Buffer.alloc(0);
  return Buffer.concat([Buffer.concat(lines.flatMap((line) => [line, Buffer.from(end)])), Buffer.from(end), trailer]);
}

/** Host values reported to end the process (each reached `new Request(...)` before the Host check). */
export function reportedHosts(serverPort: number): string[] {
  return ['::1', 'a b', 'localhost:99999', '[::1', `evil@localhost:${serverPort}`, 'localhost, evil.example', 'ｌｏｃａｌｈｏｓｔ', 'localhost#x', `localhost:${serverPort}#`, 'localhost:', 'localhost:8o'];
}

/** What the requests of reportedRequests named `what` must be answered: 400, or uWS' own 505 for an
 *  absolute-form target (its parser answers before any JavaScript runs). */
export function refusalsFor(what: string, transport: string): number[] {
  return what === ABSOLUTE_FORM && transport !== 'ws' ? [400, 505] : [400];
}

const ABSOLUTE_FORM = 'absolute-form target';

/**
 * The requests reported to end the process, as [what, request]: each reported Host on a plain
 * request and on an upgrade (which also names a reconnection, whose query a `#` in the Host hid
 * from the reconnection guard), an X-Forwarded-Proto no URL takes, an absolute-form target, and
 * two Host headers.
 */
export function reportedRequests(serverPort: number): Array<[string, string]> {
  const get = (host: string, target = '/health/live', extra = '') => `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;
  const upgrade = (host: string) =>
    `GET /proc/room?sessionId=s&reconnectionToken=x HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const hosts = reportedHosts(serverPort);
  return [
    ...hosts.map((host): [string, string] => [`Host ${JSON.stringify(host)}`, get(host)]),
    ...hosts.map((host): [string, string] => [`upgrade with Host ${JSON.stringify(host)}`, upgrade(host)]),
    ['X-Forwarded-Proto "a b"', get('localhost', '/health/live', 'X-Forwarded-Proto: a b\r\n')],
    [ABSOLUTE_FORM, get('localhost', 'http://evil.example/health/live')],
    ['two Host headers', get('localhost', '/health/live', 'Host: a b\r\n')],
  ];
}

/** The status the server answered `request` with (0: it closed or said nothing within `waitMs`). */
export function sendRaw(serverPort: number, request: Buffer, waitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(serverPort, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(request);
  });
}
