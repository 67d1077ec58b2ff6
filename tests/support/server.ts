// Starts real Coffer processes for tests: `node server/main.ts` as a child, on a free port, against
// a scratch PostgreSQL database (services mode) or a temp PGlite directory (embedded mode).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after } from 'node:test';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as wait } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** Servers started by this file that have not exited yet. */
const running = new Set<ChildProcess>();

// A test that timed out inside its own try/finally never stops the servers it started, and a live
// child keeps the test file's process, and with it the whole run, from ending. So once the file's
// tests and hooks are done (this hook runs before the file's own `after` hooks, which stop their
// servers: hence the grace period, on a timer that does not itself keep the process alive), what
// still runs is killed and named. Only under the test runner: the benches import this module too,
// and an `after` there would start a test run.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    setTimeout(() => {
      for (const proc of running) {
        console.error(`tests/support/server.ts: a server (pid ${proc.pid}) was still running 30 s after the end of the file; killing it`);
        proc.kill('SIGKILL');
      }
    }, 30_000).unref();
  });
}

export type RunningServer = {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGKILL, no cleanup: the crash case. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
};

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

export async function migrate(databaseUrl: string): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'schema/migrate.ts'), 'up'], { env: { ...process.env, DATABASE_URL: databaseUrl }, cwd: ROOT });
}

/** A `node server/main.ts` child on `port` with the tests' environment and `env` over it; its output collected. */
export function spawnServer(env: Record<string, string>, port: number): { proc: ChildProcess; output(): string } {
  const proc = spawn(process.execPath, [path.join(ROOT, 'server/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      ...(process.env.COFFER_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.COFFER_SERVER_NODE_OPTIONS } : {}),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      TRANSPORT: process.env.COFFER_EXPECT_TRANSPORT ?? 'auto',
      // Test files sign in hundreds of guests and open hundreds of sockets from 127.0.0.1, and
      // replay long streams with events.sync; tests/support/abuseFixture.ts runs the defaults.
      GUEST_SIGNUPS_PER_HOUR: '1000000',
      MAX_CONNECTIONS_PER_ADDRESS: '1000000',
      ADDRESS_COMMANDS_PER_SECOND: '100000000',
      SYNC_BYTES_PER_SECOND: '100000000',
      // A Redis namespace of its own unless the test shares one on purpose (a cluster): servers of
      // other test files must not join its matchmaker.
      ...(env.REDIS_URL ? { REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:` } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  return { proc, output: () => output };
}

/** `waitFor: 'live'` for a server expected to run but not to be ready (a dependency is missing). */
export async function startServer(env: Record<string, string>, opts: { port?: number; waitFor?: 'ready' | 'live' } = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const { proc, output } = spawnServer(env, port);
  const exited = once(proc, 'exit');
  const url = `http://127.0.0.1:${port}`;
  // Wait on the server's own answer (bounded), not on a fixed delay.
  const waitFor = opts.waitFor ?? 'ready';
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} before it was ${waitFor}:\n${output()}`);
    const answered = await fetch(`${url}/health/${waitFor}`).then((r) => r.ok, () => false);
    if (answered) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ${waitFor} within 60 s:\n${output()}`);
    }
    await wait(100);
  }
  return {
    url,
    port,
    proc,
    output,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
