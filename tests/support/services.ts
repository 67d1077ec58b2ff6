// PostgreSQL and Redis for the test suite when a machine has neither but has Docker: if
// TEST_DATABASE_URL / TEST_REDIS_URL are unset and nothing answers on 127.0.0.1:5432 / :6379, the
// missing service runs in a container (pinned image, a free loopback port, health waited for) and
// the variable points at it; the containers are removed after the run. Where the services are
// there (every CI run), this costs two TCP connects and starts nothing.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type Docker from 'dockerode';
import { ensureImage, type Log } from './docker.ts';

export const POSTGRES_IMAGE = 'postgres:17';
export const REDIS_IMAGE = 'redis:7';

export type ServiceName = 'postgres' | 'redis';

type ServiceSpec = {
  image: string;
  port: number;
  envVariable: string;
  url(hostPort: number): string;
  create: Omit<Docker.ContainerCreateOptions, 'name'>;
};

const SECOND = 1e9; // the Engine API counts healthcheck durations in nanoseconds

export const SERVICES: Record<ServiceName, ServiceSpec> = {
  postgres: {
    image: POSTGRES_IMAGE,
    port: 5432,
    envVariable: 'TEST_DATABASE_URL',
    url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
    create: {
      Image: POSTGRES_IMAGE,
      // Trust on a loopback-only port: the same access the tests have to a local cluster.
      Env: ['POSTGRES_HOST_AUTH_METHOD=trust'],
      ExposedPorts: { '5432/tcp': {} },
      // -h 127.0.0.1: the image's init step runs a socket-only server first; healthy means TCP.
      Healthcheck: { Test: ['CMD-SHELL', 'pg_isready -U postgres -h 127.0.0.1'], Interval: SECOND, Timeout: 5 * SECOND, Retries: 120 },
      HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, Tmpfs: { '/var/lib/postgresql/data': '' } },
      Labels: { 'coffer.test-service': 'postgres' },
    },
  },
  redis: {
    image: REDIS_IMAGE,
    port: 6379,
    envVariable: 'TEST_REDIS_URL',
    url: (port) => `redis://127.0.0.1:${port}`,
    create: {
      Image: REDIS_IMAGE,
      Cmd: ['redis-server', '--save', '', '--appendonly', 'no'],
      ExposedPorts: { '6379/tcp': {} },
      Healthcheck: { Test: ['CMD', 'redis-cli', 'ping'], Interval: SECOND, Timeout: 5 * SECOND, Retries: 60 },
      HostConfig: { PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
      Labels: { 'coffer.test-service': 'redis' },
    },
  },
};

/** True when something accepts a TCP connection on host:port within `timeoutMs`. */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The services to start: those whose variable is unset and whose default port is silent. */
export async function servicesToStart(env: Record<string, string | undefined>, answers: (port: number) => Promise<boolean> = (port) => portAnswers('127.0.0.1', port)): Promise<ServiceName[]> {
  const missing: ServiceName[] = [];
  for (const name of Object.keys(SERVICES) as ServiceName[]) {
    const spec = SERVICES[name];
    if (env[spec.envVariable]) continue;
    if (await answers(spec.port)) continue;
    missing.push(name);
  }
  return missing;
}

export type StartedServices = {
  /** TEST_DATABASE_URL / TEST_REDIS_URL for what was started. */
  env: Record<string, string>;
  /** Removes the containers (forced, with their volumes). */
  stop(): Promise<void>;
};

export type StartOptions = { log?: Log; healthTimeoutMs?: number; pollMs?: number };

/** Starts `names` as containers and waits until each reports healthy. */
export async function startServiceContainers(docker: Docker, names: ServiceName[], opts: StartOptions = {}): Promise<StartedServices> {
  const log = opts.log ?? ((m: string) => console.error(`test services: ${m}`));
  const containers: Docker.Container[] = [];
  const stop = async () => {
    await Promise.all(containers.splice(0).map((c) => c.remove({ force: true, v: true }).catch((error: unknown) => log(`could not remove container ${c.id}: ${String(error)}`))));
  };
  const env: Record<string, string> = {};
  try {
    for (const name of names) {
      const spec = SERVICES[name];
      await ensureImage(docker, spec.image, log);
      const container = await docker.createContainer({ ...spec.create, name: `coffer-test-${name}-${randomBytes(4).toString('hex')}` });
      containers.push(container);
      await container.start();
      log(`started ${spec.image} as ${container.id.slice(0, 12)}`);
    }
    for (const [i, name] of names.entries()) {
      const spec = SERVICES[name];
      const hostPort = await waitHealthy(containers[i], spec, opts.healthTimeoutMs ?? 120_000, opts.pollMs ?? 500);
      env[spec.envVariable] = spec.url(hostPort);
      log(`${name} is healthy on 127.0.0.1:${hostPort}`);
    }
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls the container's health (the engine runs the healthcheck) and returns its host port. */
async function waitHealthy(container: Docker.Container, spec: ServiceSpec, timeoutMs: number, pollMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) throw new Error(`${spec.image} container stopped (${info.State.Status}, exit code ${info.State.ExitCode}) before it was healthy`);
    if (info.State.Health?.Status === 'healthy') {
      const binding = info.NetworkSettings.Ports?.[`${spec.port}/tcp`]?.[0];
      if (!binding?.HostPort) throw new Error(`${spec.image} container has no host port for ${spec.port}/tcp`);
      return Number(binding.HostPort);
    }
    if (Date.now() > deadline) throw new Error(`${spec.image} container not healthy within ${timeoutMs / 1000} s (health: ${info.State.Health?.Status ?? 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
