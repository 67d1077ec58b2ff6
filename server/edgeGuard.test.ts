// Failures inside request handling are answered where they happen, and the process lives on. A child
// process runs real route handlers that fail every way one can (a throw, a returned rejection, a
// rejection nobody awaits, a throw from a timer started by the request, a failure after the answer,
// a failure outside any request) behind the edge (edgeGuard.ts) on a uWS app and on Node's HTTP
// server, with the process policy (processPolicy.ts) installed as main.ts installs it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nodeRequestProblem } from './edgeGuard.ts';

const SERVER_DIR = import.meta.dirname;

// Each failure mode as a handler body; `answer()` writes 200, `fail(error)` throws where it is called.
const CHILD = `
import uWS from 'uWebSockets.js';
import { createServer } from 'node:http';
import { guardNodeServer, guardUwsRoute, failRequestInFlight } from '${SERVER_DIR}/edgeGuard.ts';
import { keepServingOnUnexpectedErrors } from '${SERVER_DIR}/processPolicy.ts';
const logger = { error: (fields, msg) => console.log(JSON.stringify({ ...fields, err: String(fields.err?.message ?? fields.err), msg })) };
keepServingOnUnexpectedErrors({ process, logger, count: (kind) => console.log(JSON.stringify({ counted: kind })), failRequestInFlight });
const boom = (what) => new Error('boom: ' + what);
const modes = {
  '/throw': () => { throw boom('throw'); },
  '/reject': async () => { await null; throw boom('reject'); },
  '/floating': () => { void (async () => { await null; throw boom('floating'); })(); return 'wait'; },
  '/timer': () => { setTimeout(() => { throw boom('timer'); }, 1); return 'wait'; },
  '/after-answer': () => { setTimeout(() => void Promise.reject(boom('after-answer')), 20); return 'answer'; },
  '/ok': () => 'answer',
};
const uwsApp = uWS.App().any('/*', guardUwsRoute((res, req) => {
  res.onAborted(() => { res.aborted = true; });
  const result = modes[req.getUrl()]();
  if (result === 'answer') res.cork(() => res.writeStatus('200 OK').end('ok'));
  return result instanceof Promise ? result : undefined;
}, logger, () => true));
const node = createServer();
guardNodeServer(node, logger, () => true);
node.on('request', (req, res) => {
  const result = modes[req.url.split('?')[0]]();
  if (result === 'answer') res.end('ok');
  return result instanceof Promise ? result : undefined;
});
node.listen(0, '127.0.0.1', () => uwsApp.listen('127.0.0.1', 0, (token) => {
  console.log(JSON.stringify({ ports: { uws: uWS.us_socket_local_port(token), node: node.address().port } }));
}));
process.stdin.on('data', () => setTimeout(() => { throw boom('outside any request'); }, 1));
`;

type Line = Record<string, unknown>;

describe('failures inside request handling', () => {
  let child: ChildProcess;
  const lines: Line[] = [];
  let ports: { uws: number; node: number };
  const waiters: Array<() => void> = [];

  before(async () => {
    child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { cwd: path.dirname(SERVER_DIR), stdio: ['pipe', 'pipe', 'inherit'] });
    const read = createInterface({ input: child.stdout! });
    read.on('line', (line) => {
      lines.push(JSON.parse(line) as Line);
      for (const wake of waiters.splice(0)) wake();
    });
    const started = await lineWhere((line) => 'ports' in line);
    ports = started.ports as typeof ports;
  });
  after(async () => {
    if (child.exitCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  });

  /** The first line (so far or to come) that `matches`. */
  async function lineWhere(matches: (line: Line) => boolean): Promise<Line> {
    for (;;) {
      const found = lines.find(matches);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`the child exited with ${child.exitCode}: ${JSON.stringify(lines)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  for (const transport of ['uws', 'node'] as const) {
    test(`${transport}: each failure is answered 500 INTERNAL on its request, logged once with method, path and address`, async () => {
      for (const mode of ['/throw', '/reject', '/floating', '/timer']) {
        const res = await fetch(`http://127.0.0.1:${ports[transport]}${mode}?token=secret`, { signal: AbortSignal.timeout(5_000) });
        assert.equal(res.status, 500, mode);
        assert.deepEqual(await res.json(), { code: 'INTERNAL', message: 'the server failed to answer this request', retryable: false }, mode);
        const logged = await lineWhere((line) => line.err === `boom: ${mode.slice(1)}`);
        assert.deepEqual({ method: logged.method, path: logged.path, address: logged.address }, { method: 'GET', path: mode, address: '127.0.0.1' });
        assert.ok(!JSON.stringify(logged).includes('secret'), 'the query (tokens) is not logged');
      }
      for (const mode of ['throw', 'reject', 'floating', 'timer']) {
        assert.equal(lines.filter((line) => line.err === `boom: ${mode}`).length, 1, `${mode} logged once: ${JSON.stringify(lines)}`);
      }
      lines.splice(0, lines.length);
      assert.equal(child.exitCode, null, 'the process lives');
    });

    test(`${transport}: a failure after the answer is the process policy's, not the request's`, async () => {
      const res = await fetch(`http://127.0.0.1:${ports[transport]}/after-answer`);
      assert.equal(await res.text(), 'ok');
      const logged = await lineWhere((line) => line.err === 'boom: after-answer');
      assert.equal(logged.kind, 'unhandled_rejection');
      assert.equal(logged.path, undefined, 'not blamed on the request that had been answered');
      assert.equal((await fetch(`http://127.0.0.1:${ports[transport]}/ok`)).status, 200, 'still serves');
      lines.splice(0, lines.length);
    });
  }

  test('an error outside any request is logged and counted, and the process lives', async () => {
    child.stdin!.write('go\n');
    const logged = await lineWhere((line) => line.err === 'boom: outside any request');
    assert.equal(logged.kind, 'uncaught_exception');
    await lineWhere((line) => line.counted === 'uncaught_exception');
    assert.equal((await fetch(`http://127.0.0.1:${ports.uws}/ok`)).status, 200, 'still serves');
    assert.equal(child.exitCode, null);
  });
});

describe('nodeRequestProblem', () => {
  const req = (headers: Record<string, string>, url: string, method = 'GET', distinct: Record<string, string[]> = {}) =>
    ({ headers, url, method, headersDistinct: distinct }) as never;
  test('reads Host, target, method and X-Forwarded-Proto as the framework would', () => {
    assert.equal(nodeRequestProblem(req({ host: 'localhost:1' }, '/health/live')), undefined);
    assert.match(nodeRequestProblem(req({ host: 'a b' }, '/'))!, /Host header "a b"/);
    assert.match(nodeRequestProblem(req({ host: 'localhost', 'x-forwarded-proto': 'a b' }, '/'))!, /X-Forwarded-Proto header "a b"/);
    assert.match(nodeRequestProblem(req({ host: 'localhost' }, 'http://evil.example/'))!, /request target "http:\/\/evil.example\/"/);
    assert.match(nodeRequestProblem(req({ host: 'localhost' }, '/', 'TRACE'))!, /method "TRACE"/);
    assert.match(nodeRequestProblem(req({ host: 'localhost' }, '/', 'GET', { host: ['localhost', 'evil'] }))!, /more than one Host/);
  });
});
