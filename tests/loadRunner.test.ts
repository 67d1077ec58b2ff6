// `npm run load`'s k6-in-Docker path (load/k6Docker.ts) against the Docker Engine API stub
// (tests/support/dockerStub.ts; no Docker engine runs on our machines), and its agreement with
// compose.yaml's `load` profile. Also the message `npm run load` prints when neither k6 nor Docker
// is there.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { parse } from 'yaml';
import { K6_IMAGE, runK6InDocker } from '../load/k6Docker.ts';
import { startDockerStub, type DockerStub } from './support/dockerStub.ts';
import { ROOT } from './support/server.ts';

let stub: DockerStub;
before(async () => {
  stub = await startDockerStub();
});
after(() => stub?.close());

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  return { stream, text: () => text };
}

test('k6 runs in the pinned grafana/k6 image with host networking, the bundles mounted and the exit code passed on', async () => {
  const docker = new Docker({ socketPath: stub.socketPath });
  stub.nextRun = { logs: 'coffer load: scenario crash (runner k6)\n', exitCode: 99 };
  const out = collect();
  const code = await runK6InDocker(docker, {
    loadDir: path.join(ROOT, 'load'),
    resultsDir: path.join(ROOT, 'load/results'),
    scenario: 'crash',
    summaryName: 'crash-k6-x.json',
    env: { BASE_URL: 'http://127.0.0.1:2567', VUS: '7', ADMIN_PASSWORD: 'secret-password', HOME: '/root' },
    stdout: out.stream,
    stderr: collect().stream,
    log: () => {},
  });
  assert.equal(code, 99, "k6's exit code (99: thresholds crossed) is ours");
  assert.match(out.text(), /scenario crash \(runner k6\)/, 'the container output was streamed');
  const [container] = [...stub.containers.values()];
  assert.equal(container.config.Image, K6_IMAGE);
  assert.deepEqual(container.config.Cmd, ['run', '/scripts/dist/crash.js']);
  assert.equal(container.config.HostConfig.NetworkMode, 'host');
  assert.deepEqual(container.config.HostConfig.Binds, [`${path.join(ROOT, 'load')}:/scripts:ro`, `${path.join(ROOT, 'load/results')}:/results`]);
  assert.deepEqual(container.config.Env.sort(), ['ADMIN_PASSWORD=secret-password', 'BASE_URL=http://127.0.0.1:2567', 'SUMMARY_FILE=/results/crash-k6-x.json', 'VUS=7']);
  assert.ok(container.removed, 'the container was removed');
  assert.ok(stub.requests.some((r) => r.path === '/images/create' && `${r.query.fromImage}:${r.query.tag}` === K6_IMAGE), 'the missing image was pulled');
});

test("compose.yaml's load profile runs the same k6 image on the same bundle layout", () => {
  const compose = parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, any> };
  const k6 = compose.services.k6;
  assert.equal(k6.image, K6_IMAGE);
  assert.equal(k6.network_mode, 'host');
  assert.ok(k6.volumes.includes('./load:/scripts:ro'));
  assert.deepEqual(k6.command, ['run', '/scripts/dist/players.js']);
});

test('without k6 and without a Docker engine, npm run load says what to install and exits 2', async () => {
  const run = promisify(execFile);
  const error = await run(process.execPath, [path.join(ROOT, 'load/run.ts'), 'players'], {
    cwd: ROOT,
    // PATH without k6 (only node's own directory), DOCKER_HOST at a socket nobody serves.
    env: { PATH: path.dirname(process.execPath), DOCKER_HOST: `unix://${stub.socketPath}.absent` },
  }).then(() => assert.fail('npm run load succeeded without any runner'), (e: { code: number; stderr: string }) => e);
  assert.equal(error.code, 2);
  assert.match(error.stderr, /install k6/);
  assert.match(error.stderr, new RegExp(K6_IMAGE.replace(/[.]/g, '\\.')));
  assert.match(error.stderr, /--runner node/);
});

// `npm run load` with a local k6. No k6 binary can be installed on our machines, so these put a
// stand-in `k6` shell script first on PATH: it answers `k6 version` with FAKE_K6_VERSION and, for
// `k6 run`, prints its arguments, writes the summary file only when FAKE_K6_WRITES is set, and
// exits with FAKE_K6_EXIT. What they check is run.ts's side: the version gate, the exit code
// passed on, and that "summary written" is said only when a summary exists.
async function runWithFakeK6(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = await mkdtemp(path.join(tmpdir(), 'coffer-fake-k6-'));
  try {
    const script = [
      '#!/bin/sh',
      'if [ "$1" = version ]; then echo "k6 v$FAKE_K6_VERSION (go1.23.1, linux/amd64)"; exit 0; fi',
      'echo "fake k6: $*"',
      'if [ -n "$FAKE_K6_WRITES" ]; then echo "{}" > "$SUMMARY_FILE"; fi',
      'exit "$FAKE_K6_EXIT"',
    ].join('\n');
    await writeFile(path.join(bin, 'k6'), script + '\n', { mode: 0o755 });
    const child = spawn(process.execPath, [path.join(ROOT, 'load/run.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, FAKE_K6_EXIT: '0', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    return { code, stdout, stderr };
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
}

test('npm run load -- --help prints the usage and exits 0', async () => {
  const { code, stdout } = await runWithFakeK6(['--help'], { FAKE_K6_VERSION: '0.54.0' });
  assert.equal(code, 0);
  assert.match(stdout, /^usage: npm run load -- <scenario> \[--runner auto\|k6\|docker\|node\]/);
  for (const name of ['players', 'board', 'crash', 'admin', 'soak']) assert.match(stdout, new RegExp(`\\n  ${name} `));
  const unknown = await runWithFakeK6(['--verbose'], { FAKE_K6_VERSION: '0.54.0' });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown option '--verbose'[\s\S]*usage:/);
});

test('a k6 older than v0.54 is refused before anything runs, with what to do instead', async () => {
  const { code, stdout, stderr } = await runWithFakeK6(['players'], { FAKE_K6_VERSION: '0.49.0' });
  assert.equal(code, 2);
  assert.match(stderr, /k6 v0\.49\.0[\s\S]*needs k6 v0\.54\.0 or later/);
  assert.match(stderr, /--runner docker/);
  assert.match(stderr, /--runner node/);
  assert.doesNotMatch(stdout, /fake k6: run/, 'k6 run was not started');
});

test('a k6 run that wrote no summary is not reported as having written one; its exit code is ours', async () => {
  const { code, stdout, stderr } = await runWithFakeK6(['players', '--runner', 'k6'], { FAKE_K6_VERSION: '0.54.0', FAKE_K6_EXIT: '107' });
  assert.equal(code, 107);
  assert.match(stdout, new RegExp(`fake k6: run ${path.join(ROOT, 'load/dist/players.js').replace(/[.]/g, '\\.')}`));
  assert.doesNotMatch(stderr, /summary written/);
  assert.match(stderr, /no summary was written/);
});

test('a k6 run that wrote its summary is reported with the file (k6 v1 too)', async () => {
  const { code, stderr } = await runWithFakeK6(['players'], { FAKE_K6_VERSION: '1.0.0', FAKE_K6_WRITES: '1' });
  assert.equal(code, 0);
  const written = /summary written to (\S+)/.exec(stderr);
  assert.ok(written, stderr);
  const file = path.resolve(ROOT, written[1]);
  try {
    assert.equal(readFileSync(file, 'utf8'), '{}\n');
  } finally {
    await rm(file, { force: true });
  }
});
