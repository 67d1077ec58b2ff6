// Two servers started where one already runs, as a user does with a second `npm start`: on the same
// PORT (the ws transport hung, printing EADDRINUSE; uWS logged "coffer is listening" without a
// socket), or on the same DATA_DIR with another PORT (both opened the same PGlite files). Each is
// refused at once with exit code 1 and a sentence naming the variable, and the first server keeps
// serving. A lock left behind by a killed server does not stop the next start.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CommandType } from '../shared/commands.ts';
import { LOCK_FILE } from '../server/db/dataDirLock.ts';
import { createTransport } from '../server/transport.ts';
import { expectAck, joinPlayerRoom, signInGuest } from './support/client.ts';
import { freePort, spawnServer, startServer, type RunningServer } from './support/server.ts';

let root: string;
const running: RunningServer[] = [];
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'coffer-conflicts-'));
});
after(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await rm(root, { recursive: true, force: true });
});

async function started(env: Record<string, string>, opts: { port?: number } = {}): Promise<RunningServer> {
  const server = await startServer(env, opts);
  running.push(server);
  return server;
}

/** Runs a server that is expected not to start (its health URL would reach the first one): its exit code and output. */
async function refusedStart(env: Record<string, string>, port: number): Promise<{ code: number | null; output: string }> {
  const { proc, output } = spawnServer(env, port);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000); // a start that hangs fails, not the run
  const [code] = (await once(proc, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output: output() };
}

async function stillServes(server: RunningServer): Promise<void> {
  const tab = await joinPlayerRoom(server.url, (await signInGuest(server.url)).token);
  expectAck(await tab.send(CommandType.streakClaim));
  await tab.leave();
}

test('a second server on the same PORT exits 1 naming PORT, before it writes anything; the first serves on', async () => {
  const first = await started({ DATA_DIR: path.join(root, 'first') });
  const otherDir = path.join(root, 'second');
  // Whichever transport the second one would listen with (ws hung; uWS shared the port).
  for (const transport of ['uws', 'ws']) {
    const second = await refusedStart({ DATA_DIR: otherDir, TRANSPORT: transport, JWT_SECRET: '', ADMIN_PASSWORD: '' }, first.port);
    assert.equal(second.code, 1, second.output);
    assert.match(second.output, new RegExp(`coffer: could not start: PORT ${first.port} is already in use`));
    await assert.rejects(access(otherDir), 'no DATA_DIR was created, no secret invented');
  }
  await stillServes(first);
});

test('a second server on the same DATA_DIR exits 1 naming DATA_DIR; the first serves on; a killed server\'s lock is taken over', async () => {
  const dataDir = path.join(root, 'shared');
  const first = await started({ DATA_DIR: dataDir });
  assert.equal((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim(), String(first.proc.pid));
  const second = await refusedStart({ DATA_DIR: dataDir }, await freePort());
  assert.equal(second.code, 1, second.output);
  assert.match(second.output, new RegExp(`coffer: could not start: DATA_DIR ${dataDir} is in use by another Coffer \\(pid ${first.proc.pid}\\)`));
  await stillServes(first);

  // Killed: its lock stays, naming a process that is gone. The next start takes it over and finds
  // the data.
  await first.kill();
  assert.equal((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim(), String(first.proc.pid));
  const next = await started({ DATA_DIR: dataDir });
  await stillServes(next);
  assert.equal(await next.stop(), 0);
  await assert.rejects(access(path.join(dataDir, LOCK_FILE)), 'a clean stop removes the lock');
});

test('a lock file that names no process is taken over too', async () => {
  const dataDir = path.join(root, 'garbled');
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, LOCK_FILE), 'not a pid\n');
  await stillServes(await started({ DATA_DIR: dataDir }));
});

test('uWS: a listen that gets no socket is an error naming PORT, not a success', async () => {
  const { transport } = await createTransport('uws', 1 << 20, { warn: () => undefined, error: () => undefined }, () => undefined);
  const port = await freePort();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen({ port, host: '0.0.0.0', exclusive: true }, resolve));
  try {
    const error = await new Promise<Error | undefined>((resolve) => transport.listen(port, undefined, undefined, resolve as () => void));
    assert.match(error?.message ?? 'no error', new RegExp(`PORT ${port} is already in use`));
  } finally {
    transport.shutdown();
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});
