// The server and helpers of the attack tests (tests/abuse.test.ts, tests/accountLimits.test.ts):
// a server on the default limits except open sockets per address (small enough to reach) and a
// retention sweep every second. Sign-ins come "through a proxy" on loopback with made-up client
// addresses, so each test has its own per-address budget.
import assert from 'node:assert/strict';
import { RoomName } from '../../shared/protocol.ts';
import { AdminState } from '../../shared/state.ts';
import { joinRoom, type PlayerConnection, type Session } from './client.ts';
import { serverFixture } from './fixture.ts';
import { TEST_ADMIN_PASSWORD } from './server.ts';

/** Open WebSockets per client address on the fixture's server. */
export const MAX_CONNECTIONS = 16;

/** The join refusal's status and protocol code (the message starts with it). */
export function refusal(made: { status: number; error?: string }): { status: number; code: string | undefined } {
  return { status: made.status, code: /^([A-Z_]+)/.exec(made.error ?? '')?.[1] };
}

export function abuseFixture(prefix: string) {
  const fx = serverFixture(prefix, {
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

  return { fx, address, post, guest, adminSession, adminTab };
}
