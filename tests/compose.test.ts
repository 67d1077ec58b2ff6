// Checks compose.yaml and the Dockerfile by reading them. No Docker engine runs on the development
// and CI machines, so this test parses the files and asserts their structure instead of running
// `docker compose up`; it cannot catch an image that fails to build or start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../server/config.ts';

const root = new URL('../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  profiles?: string[];
  ports?: unknown[];
};
type Compose = { services: Record<string, Service> };

const compose = parse(read('compose.yaml')) as Compose;
const services = compose.services;
const replicas = ['coffer-1', 'coffer-2'];

const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(' ') : (v ?? ''));

/** Environment as name -> value, whether written as a map or as a list of NAME=value. */
function environment(service: Service): Map<string, string> {
  const env = service.environment;
  if (env === undefined) return new Map();
  if (Array.isArray(env)) {
    return new Map(env.map((entry) => {
      const i = entry.indexOf('=');
      return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
    }));
  }
  return new Map(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

function condition(service: Service, dependency: string): string | undefined {
  const deps = service.depends_on;
  if (deps === undefined) return undefined;
  if (Array.isArray(deps)) return deps.includes(dependency) ? 'service_started' : undefined;
  const dep = deps[dependency];
  return dep === undefined ? undefined : (dep.condition ?? 'service_started');
}

test('compose.yaml defines every service', () => {
  for (const name of ['postgres', 'redis', 'migrate', ...replicas, 'k6']) {
    assert.ok(services[name], `service ${name} is missing`);
  }
});

test('postgres is PostgreSQL 17 and redis persists without eviction', () => {
  assert.match(services.postgres.image ?? '', /^postgres:17/);
  const redisCommand = text(services.redis.command);
  assert.match(redisCommand, /--appendonly yes/);
  assert.match(redisCommand, /noeviction/);
});

test('migrate runs the migrations once postgres is healthy', () => {
  assert.match(text(services.migrate.command), /schema\/migrate\.ts up/);
  assert.equal(condition(services.migrate, 'postgres'), 'service_healthy');
});

test('each coffer replica waits for its dependencies and reports readiness', () => {
  const addresses = new Set<string>();
  for (const name of replicas) {
    const s = services[name];
    assert.match(text(s.healthcheck?.test), /\/health\/ready/, `${name} healthcheck`);
    assert.equal(condition(s, 'migrate'), 'service_completed_successfully', `${name} -> migrate`);
    assert.equal(condition(s, 'postgres'), 'service_healthy', `${name} -> postgres`);
    assert.equal(condition(s, 'redis'), 'service_healthy', `${name} -> redis`);
    const address = environment(s).get('PUBLIC_ADDRESS');
    assert.ok(address, `${name} has no PUBLIC_ADDRESS`);
    assert.ok(!addresses.has(address), `${name} shares PUBLIC_ADDRESS ${address}`);
    addresses.add(address);
  }
});

test('k6 only runs with the load profile', () => {
  assert.deepEqual(services.k6.profiles, ['load']);
});

test('coffer services set only variables the config module knows', () => {
  const known = new Set<string>(CONFIG_VARIABLES);
  for (const name of ['migrate', ...replicas]) {
    for (const variable of environment(services[name]).keys()) {
      assert.ok(known.has(variable), `${name} sets ${variable}, which server/config.ts does not read`);
    }
  }
});

test('Dockerfile builds on Debian 13 Node 24 and runs server/main.ts', () => {
  const lines = read('Dockerfile').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const from = lines.filter((l) => /^FROM\s/i.test(l));
  assert.deepEqual(from.map((l) => l.split(/\s+/)[1]), ['node:24-trixie-slim']);
  const cmd = lines.filter((l) => /^CMD\s/i.test(l)).at(-1);
  assert.ok(cmd, 'Dockerfile has no CMD');
  assert.match(cmd, /server\/main\.ts/);
});
