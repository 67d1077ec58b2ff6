// The environment contract: defaults, one ConfigError naming the variable for a bad value, and the
// process exiting 2 with exactly one line on stderr.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SERVICES = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/coffer', JWT_SECRET: 'j'.repeat(32), ADMIN_PASSWORD: 'a'.repeat(12) };

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('an empty environment is embedded mode with the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 2567);
    assert.equal(config.transport, 'auto');
    assert.equal(config.dataDir, './data');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.adminPassword, undefined);
    assert.equal(config.rateLimitPerSecond, 50);
    assert.equal(config.maxPayloadBytes, 4096);
  });

  test('empty strings count as unset', () => {
    const config = loadConfig({ PORT: '', TRANSPORT: '', DATA_DIR: '', JWT_SECRET: '', ADMIN_PASSWORD: '', DATABASE_URL: '' });
    assert.equal(config.port, 2567);
    assert.equal(config.transport, 'auto');
    assert.equal(config.dataDir, './data');
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.adminPassword, undefined);
    assert.equal(config.databaseUrl, undefined);
  });

  test('valid values are read and coerced', () => {
    const config = loadConfig({ ...SERVICES, PORT: '8080', TRANSPORT: 'ws', LOG_LEVEL: 'warn', REDIS_URL: 'redis://127.0.0.1:6379' });
    assert.equal(config.port, 8080);
    assert.equal(config.transport, 'ws');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.databaseUrl, SERVICES.DATABASE_URL);
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  });

  const bad: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '1.5'],
    ['PORT', ' '],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['TRANSPORT', 'bogus'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['JWT_SECRET', 'too-short'],
    ['ADMIN_PASSWORD', 'short'],
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['ADDRESS_COMMANDS_PER_SECOND', '0'],
    ['ADDRESS_COMMANDS_PER_SECOND', 'many'],
    ['MAX_PAYLOAD_BYTES', '10'],
    ['COFFER_FAULT', 'sometimes'],
    ['COFFER_FAULT', 'after-commit'],
    ['COFFER_FAULT', 'after-commit:bad prefix'],
    ['ALLOWED_ORIGINS', 'game.example.com'],
    ['ALLOWED_ORIGINS', 'https://game.example.com/play'],
    ['ALLOWED_ORIGINS', 'https://a.example, *'],
    ['ALLOWED_HOSTS', 'game.example.com:443'],
    ['ALLOWED_HOSTS', 'https://game.example.com'],
    ['TRUSTED_PROXIES', '10.0.0.0/8'],
    ['TRUSTED_PROXIES', 'proxy.internal'],
    ['GUEST_SIGNUPS_PER_HOUR', '0'],
    ['IDEMPOTENCY_WINDOW_HOURS', '23'],
    ['OUTBOX_RETENTION_HOURS', '0'],
    ['MAX_SOCKETS_PER_USER', '0'],
    ['SYNC_BYTES_PER_SECOND', '100'],
    ['ADMIN_SIGNIN_FAILURES_PER_MINUTE', 'many'],
  ];
  for (const [variable, value] of bad) {
    test(`${variable}=${value} is a ConfigError whose message starts with ${variable}`, () => {
      const error = configError({ ...SERVICES, [variable]: value });
      assert.ok(error.message.startsWith(`${variable} `), error.message);
      assert.ok(!error.message.includes('\n'), 'one line');
    });
  }

  test('COFFER_FAULT is off by default, parsed as <point>:<id prefix>, and refused in production', () => {
    assert.equal(loadConfig({}).fault, undefined);
    assert.deepEqual(loadConfig({ COFFER_FAULT: 'after-ack:crash-' }).fault, { point: 'after-ack', idPrefix: 'crash-' });
    const refused = configError({ COFFER_FAULT: 'before-commit:crash-', NODE_ENV: 'production' });
    assert.match(refused.message, /^COFFER_FAULT .*production/);
  });

  test('ALLOWED_ORIGINS: unset is none besides the server itself, * is any, else a list of origins', () => {
    assert.deepEqual(loadConfig({}).allowedOrigins, []);
    assert.equal(loadConfig({ ALLOWED_ORIGINS: '*' }).allowedOrigins, '*');
    assert.deepEqual(loadConfig({ ALLOWED_ORIGINS: 'https://game.example.com, http://localhost:5173/' }).allowedOrigins, ['https://game.example.com', 'http://localhost:5173']);
  });

  test('CRASH_TABLES and BOARDS: `main` by default, a comma-separated list of names, a bad name refused', () => {
    assert.deepEqual([loadConfig({}).crashTables, loadConfig({}).boards], [['main'], ['main']]);
    const config = loadConfig({ CRASH_TABLES: 'main, high-roller ,main', BOARDS: 'main,guild-7' });
    assert.deepEqual(config.crashTables, ['main', 'high-roller'], 'trimmed, each once');
    assert.deepEqual(config.boards, ['main', 'guild-7']);
    assert.match(configError({ CRASH_TABLES: 'main,High Rollers' }).message, /^CRASH_TABLES must be a comma-separated list of crash table names, each 1-32 characters of \[a-z0-9-\]/);
    assert.match(configError({ BOARDS: 'main,' }).message, /^BOARDS must be a comma-separated list of board names/);
  });

  test('sign-in, host, proxy and per-account limits: defaults, lists of hosts and proxies', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.signIn, { guestPerHour: 20, adminFailuresPerMinute: 30 });
    assert.deepEqual(defaults.allowedHosts, []);
    assert.deepEqual(defaults.trustedProxies, []);
    assert.deepEqual(defaults.userLimits, { commandsPerSecond: 100, socketsPerUser: 8, syncBytesPerSecond: 262_144 });
    assert.equal(loadConfig({ RATE_LIMIT_PER_SECOND: '400' }).userLimits.commandsPerSecond, 800, 'unset: twice the per-socket budget');
    assert.equal(defaults.maxConnectionsPerAddress, 256);
    assert.equal(defaults.addressCommandsPerSecond, 1000);
    assert.equal(loadConfig({ ADDRESS_COMMANDS_PER_SECOND: '5000' }).addressCommandsPerSecond, 5000);
    assert.deepEqual(defaults.retention, { idempotencyWindowHours: 24, outboxRetentionHours: 168, sweepSeconds: 300 });
    assert.equal(loadConfig({ ALLOWED_HOSTS: '*' }).allowedHosts, '*');
    assert.deepEqual(loadConfig({ ALLOWED_HOSTS: 'Game.Example.com, [::1]' }).allowedHosts, ['game.example.com', '[::1]']);
    assert.deepEqual(loadConfig({ TRUSTED_PROXIES: '10.0.0.2, ::ffff:10.0.0.3' }).trustedProxies, ['10.0.0.2', '10.0.0.3']);
  });

  test('the message quotes the bad value, never a secret that was fine', () => {
    const error = configError({ ...SERVICES, PORT: 'abc' });
    assert.match(error.message, /"abc"/);
    assert.doesNotMatch(error.message, new RegExp(SERVICES.JWT_SECRET));
  });

  test('a rejected secret or URL is never echoed back', () => {
    for (const [variable, value] of [['JWT_SECRET', 'my-real-but-short'], ['ADMIN_PASSWORD', 'hunter2'], ['DATABASE_URL', 'mysql://u:pw-secret@h/db']]) {
      const error = configError({ ...SERVICES, [variable]: value });
      assert.ok(!error.message.includes(value), error.message);
    }
  });

  test('services mode (DATABASE_URL) requires JWT_SECRET, then ADMIN_PASSWORD', () => {
    const noSecret = configError({ DATABASE_URL: SERVICES.DATABASE_URL, ADMIN_PASSWORD: SERVICES.ADMIN_PASSWORD });
    assert.ok(noSecret.message.startsWith('JWT_SECRET '), noSecret.message);
    assert.match(noSecret.message, /DATABASE_URL/);
    const noPassword = configError({ DATABASE_URL: SERVICES.DATABASE_URL, JWT_SECRET: SERVICES.JWT_SECRET });
    assert.ok(noPassword.message.startsWith('ADMIN_PASSWORD '), noPassword.message);
    const emptyPassword = configError({ ...SERVICES, ADMIN_PASSWORD: '' });
    assert.ok(emptyPassword.message.startsWith('ADMIN_PASSWORD '), emptyPassword.message);
  });
});

describe('node server/main.ts with a bad variable', () => {
  test('exits with code 2 and one stderr line naming TRANSPORT', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'server/main.ts')],
        { cwd: ROOT, env: { PATH: process.env.PATH, TRANSPORT: 'bogus' }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    assert.equal(code, 2, `stderr: ${stderr}`);
    const lines = stderr.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${stderr}`);
    assert.match(lines[0], /\bTRANSPORT\b/);
    assert.match(lines[0], /"bogus"/);
    assert.equal(stdout, '', 'nothing on stdout');
  });
});
