// `npm run load`'s k6-in-Docker path (load/k6Docker.ts) against the Docker Engine API stub
// (tests/support/dockerStub.ts; no Docker engine runs on our machines), and its agreement with
// compose.yaml's `load` profile. Also the message `npm run load` prints when neither k6 nor Docker
// is there.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
