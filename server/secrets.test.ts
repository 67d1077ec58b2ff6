// Embedded-mode secrets: invented once into DATA_DIR/secrets.json, then reused; explicit config wins.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from './config.ts';
import { resolveSecrets } from './secrets.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'coffer-secrets-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveSecrets', () => {
  test('creates secrets.json once, then returns the same secrets without re-announcing the password', async () => {
    const dataDir = path.join(root, 'fresh', 'nested');
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveSecrets(config);
    assert.equal(first.createdAdminPassword, true);
    assert.ok(first.jwtSecret.length >= 32, 'the invented JWT secret is long enough for loadConfig');
    assert.ok(first.adminPassword.length >= 12, 'the invented admin password is long enough for loadConfig');

    const file = path.join(dataDir, 'secrets.json');
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { jwtSecret: first.jwtSecret, adminPassword: first.adminPassword });
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'only the owner may read the secrets');

    const second = await resolveSecrets(config);
    assert.deepEqual(second, { jwtSecret: first.jwtSecret, adminPassword: first.adminPassword, createdAdminPassword: false });
  });

  test('two data directories get different secrets', async () => {
    const a = await resolveSecrets(loadConfig({ DATA_DIR: path.join(root, 'a') }));
    const b = await resolveSecrets(loadConfig({ DATA_DIR: path.join(root, 'b') }));
    assert.notEqual(a.jwtSecret, b.jwtSecret);
    assert.notEqual(a.adminPassword, b.adminPassword);
  });

  test('explicit config values win over stored ones', async () => {
    const dataDir = path.join(root, 'explicit');
    const stored = await resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
    const jwt = 'j'.repeat(40);
    const password = 'explicit-password';

    const both = await resolveSecrets(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: jwt, ADMIN_PASSWORD: password }));
    assert.deepEqual(both, { jwtSecret: jwt, adminPassword: password, createdAdminPassword: false });

    const onlyPassword = await resolveSecrets(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD: password }));
    assert.equal(onlyPassword.adminPassword, password);
    assert.equal(onlyPassword.createdAdminPassword, false);
    assert.equal(onlyPassword.jwtSecret, stored.jwtSecret, 'the stored JWT secret fills the gap');
  });

  test('an explicit admin password on a fresh directory is not reported as created, nor written to disk', async () => {
    const dataDir = path.join(root, 'given');
    const secrets = await resolveSecrets(loadConfig({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'given-password-1' }));
    assert.equal(secrets.createdAdminPassword, false);
    assert.equal(secrets.adminPassword, 'given-password-1');
    assert.ok(secrets.jwtSecret.length >= 32);
    const onDisk = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8'));
    assert.deepEqual(Object.keys(onDisk), ['jwtSecret'], 'only the invented secret is kept');
  });
});
