// The servers a bench phase runs against, each with its clients joined and funded: one process in
// services mode (PostgreSQL), one in embedded mode (PGlite in a temp DATA_DIR, no DATABASE_URL),
// or two processes sharing PostgreSQL and Redis (each client joins through one of the two; the
// matchmaker places its room). `inspect` starts a process with the V8 inspector on a free port.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { AdminCommandType, MAX_GRANT } from '../shared/adminCommands.ts';
import { RoomName } from '../shared/protocol.ts';
import { newId, signInAdmin, signInGuest, type Session } from '../tests/support/client.ts';
import { deleteKeys, TEST_REDIS_URL } from '../tests/support/cluster.ts';
import { pgClient } from '../tests/support/db.ts';
import { freePort, startServer, TEST_ADMIN_PASSWORD, type RunningServer } from '../tests/support/server.ts';
import { ProtocolRoom } from './protocolClient.ts';

export type BenchTarget = { servers: RunningServer[]; urls: string[]; sessions: Session[]; tabs: ProtocolRoom[]; inspectPort?: number; stop(): Promise<void> };

const tuned = { RATE_LIMIT_PER_SECOND: '100000', ADDRESS_COMMANDS_PER_SECOND: '100000000', LOG_LEVEL: 'error' };

async function started(env: Record<string, string>, inspect: boolean): Promise<{ server: RunningServer; inspectPort?: number }> {
  const inspectPort = inspect ? await freePort() : undefined;
  const server = await startServer({ ...tuned, ...env, ...(inspectPort ? { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` } : {}) });
  return { server, inspectPort };
}

function target(servers: RunningServer[], sessions: Session[], tabs: ProtocolRoom[], cleanup: () => Promise<void>, inspectPort?: number): BenchTarget {
  return {
    servers,
    sessions,
    urls: servers.map((s) => s.url),
    tabs,
    inspectPort,
    async stop() {
      for (const tab of tabs) tab.close();
      await Promise.all(servers.map((s) => s.stop()));
      await cleanup();
    },
  };
}

/** One process on `databaseUrl`, with the given players, or that many new ones funded in the ledger. */
export async function servicesProcess(databaseUrl: string, players: number | Session[], opts: { transport?: 'ws' | 'uws'; inspect?: boolean } = {}): Promise<BenchTarget> {
  const { server, inspectPort } = await started({ DATABASE_URL: databaseUrl, ...(opts.transport ? { TRANSPORT: opts.transport } : {}) }, opts.inspect ?? false);
  let sessions = players as Session[];
  if (typeof players === 'number') {
    sessions = await Promise.all(Array.from({ length: players }, () => signInGuest(server.url)));
    await fund(databaseUrl, sessions.map((s) => s.userId), MAX_GRANT);
  }
  const tabs = await Promise.all(sessions.map((s) => ProtocolRoom.join(server.url, s.token, RoomName.player)));
  return target([server], sessions, tabs, async () => undefined, inspectPort);
}

/** Gives each bench player gold straight in the ledger (a mint transfer) before their rooms load. */
export async function fund(url: string, userIds: string[], amount: number) {
  const client = pgClient(url);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO accounts (id, kind) SELECT unnest($1::text[]), 'player'`, [userIds]);
    await client.query(`INSERT INTO balances (account, currency, kind, balance) SELECT unnest($1::text[]), 'gold', 'player', $2`, [userIds, amount]);
    await client.query(`INSERT INTO transfers (from_account, to_account, amount, currency, reason) SELECT 'mint', unnest($1::text[]), $2, 'gold', 'bench.fund'`, [userIds, amount]);
    await client.query(`UPDATE balances SET balance = balance - $1 WHERE account = 'mint' AND currency = 'gold'`, [amount * userIds.length]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

/** Two processes on one database and one Redis namespace; client i joins through process i % 2. */
export async function servicesPair(databaseUrl: string, sessions: Session[]): Promise<BenchTarget> {
  const keyPrefix = `bench:${randomBytes(6).toString('hex')}:`;
  const ports = await Promise.all([freePort(), freePort()]);
  const servers = await Promise.all(
    ports.map((port) => startServer({ ...tuned, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, PUBLIC_ADDRESS: `127.0.0.1:${port}` }, { port })),
  );
  const tabs = await Promise.all(sessions.map((s, i) => ProtocolRoom.join(servers[i % 2].url, s.token, RoomName.player)));
  return target(servers, sessions, tabs, async () => {
    const redis = new Redis(TEST_REDIS_URL);
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });
}

/** One embedded process (PGlite in a temp directory): `clients` guests, funded by admin grants. */
export async function embeddedProcess(clients: number): Promise<BenchTarget> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'coffer-bench-'));
  const { server } = await started({ DATA_DIR: dataDir }, false);
  const sessions = await Promise.all(Array.from({ length: clients }, () => signInGuest(server.url)));
  // Joining first creates the accounts; a grant needs one.
  const tabs = await Promise.all(sessions.map((s) => ProtocolRoom.join(server.url, s.token, RoomName.player)));
  const admin = await ProtocolRoom.join(server.url, (await signInAdmin(server.url, TEST_ADMIN_PASSWORD)).token, RoomName.admin);
  for (const s of sessions) {
    const reply = await admin.send(AdminCommandType.grant, newId(), { userId: s.userId, amount: MAX_GRANT, reason: 'bench' });
    if (!('ack' in reply)) throw new Error(`funding an embedded bench player failed: ${JSON.stringify(reply.nack)}`);
  }
  admin.close();
  return target([server], sessions, tabs, () => rm(dataDir, { recursive: true, force: true }));
}
