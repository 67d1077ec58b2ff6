// The test-service harness (tests/support/services.ts, run by `npm test`'s global setup), against
// a stub of the Docker Engine API on a Unix socket (tests/support/dockerStub.ts): no Docker engine
// runs on our machines, so this checks what the harness asks the engine (pinned images pulled
// when missing, loopback-only ports, health waited for, containers removed), not real containers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { engineReachable } from './support/docker.ts';
import { startDockerStub, type DockerStub } from './support/dockerStub.ts';
import { POSTGRES_IMAGE, REDIS_IMAGE, servicesToStart, startServiceContainers } from './support/services.ts';

let stub: DockerStub;
let docker: Docker;
before(async () => {
  stub = await startDockerStub({ images: [REDIS_IMAGE] });
  docker = new Docker({ socketPath: stub.socketPath });
});
after(() => stub?.close());

test('a service is started only when its variable is unset and nothing answers on its port', async () => {
  const silent = async () => false;
  const answering = async () => true;
  assert.deepEqual(await servicesToStart({}, silent), ['postgres', 'redis']);
  assert.deepEqual(await servicesToStart({}, answering), []);
  assert.deepEqual(await servicesToStart({ TEST_DATABASE_URL: 'postgres://elsewhere/x' }, silent), ['redis']);
  assert.deepEqual(await servicesToStart({}, async (port) => port === 6379), ['postgres']);
});

test('missing services run as pinned containers, waited healthy, and are removed afterwards', async () => {
  assert.equal(await engineReachable(docker), true);
  const logged: string[] = [];
  const started = await startServiceContainers(docker, ['postgres', 'redis'], { log: (m) => logged.push(m), pollMs: 1 });

  // postgres:17 was missing and pulled; redis:7 was present and not pulled again.
  const pulls = stub.requests.filter((r) => r.path === '/images/create').map((r) => `${r.query.fromImage}:${r.query.tag}`);
  assert.deepEqual(pulls, [POSTGRES_IMAGE]);
  const containers = [...stub.containers.values()];
  assert.deepEqual(containers.map((c) => c.config.Image), [POSTGRES_IMAGE, REDIS_IMAGE]);
  for (const c of containers) {
    assert.equal(c.running, true);
    assert.ok(c.config.Healthcheck?.Test?.length, `${c.config.Image} has a healthcheck`);
    const bindings = Object.values(c.config.HostConfig.PortBindings as Record<string, Array<{ HostIp: string }>>).flat();
    assert.ok(bindings.length > 0 && bindings.every((b) => b.HostIp === '127.0.0.1'), 'ports are published on loopback only');
    assert.ok(c.inspections >= 2, 'health was polled until healthy');
  }
  const [pg, redis] = containers;
  assert.equal(started.env.TEST_DATABASE_URL, `postgres://postgres@127.0.0.1:${pg.hostPorts['5432/tcp']}/postgres`);
  assert.equal(started.env.TEST_REDIS_URL, `redis://127.0.0.1:${redis.hostPorts['6379/tcp']}`);

  await started.stop();
  assert.ok(containers.every((c) => c.removed));
  const removals = stub.requests.filter((r) => r.method === 'DELETE');
  assert.equal(removals.length, 2);
  assert.ok(removals.every((r) => r.query.force === 'true' && r.query.v === 'true'));
});

test('a container that stops before it is healthy fails the start and is removed', async () => {
  stub.containers.clear();
  stub.exitOnStart = true;
  try {
    await assert.rejects(startServiceContainers(docker, ['redis'], { log: () => {}, pollMs: 1 }), /stopped \(exited, exit code 1\) before it was healthy/);
    assert.equal(stub.containers.size, 1);
    assert.ok([...stub.containers.values()].every((c) => c.removed));
  } finally {
    stub.exitOnStart = false;
  }
});

test('an engine that does not answer is reported as unreachable', async () => {
  const nowhere = new Docker({ socketPath: `${stub.socketPath}.absent` });
  assert.equal(await engineReachable(nowhere, 500), false);
});
