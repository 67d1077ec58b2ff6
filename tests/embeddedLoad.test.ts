// The default path under real load: `npm start` with no services (PGlite under DATA_DIR), every
// load scenario at 50 virtual users, bounded by a number of commands per user (not by time). Each
// must end with no errors; then SIGTERM must end the server with 0, the log must hold no warning,
// and the stopped data directory must hold a balanced ledger. Before embedded mode used one
// connection, about half the commands of `players` ended in UNAVAILABLE at 20 users.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runScenario } from '../load/node/runScenario.ts';
import { scenarios, type ScenarioName } from '../load/scenario/index.ts';
import type { LoadSummary } from '../load/scenario/summary.ts';
import { startEmbeddedPostgres } from '../server/db/embedded.ts';
import { assertLedgerHolds, queryRows } from './support/ledger.ts';
import { freePort, ROOT, TEST_ADMIN_PASSWORD } from './support/server.ts';
import { waitFor } from './support/wait.ts';

const VUS = '50';
/** Commands per virtual user: enough for every user to be in the fight at once. */
const BUDGET: Record<ScenarioName, Record<string, string>> = {
  players: { COMMANDS: '20' },
  board: { COMMANDS: '4', TASKS_PER_SECOND: '20' },
  crash: { COMMANDS: '4' },
  admin: { COMMANDS: '12', TARGETS: '2', GRANTS_PER_SECOND: '20' },
  soak: { COMMANDS: '6', THINK_MS: '50' },
};

describe('embedded mode (npm start, no services) under every load scenario at 50 users', () => {
  let root: string;
  let dataDir: string;
  let url: string;
  let output = '';
  let proc: ReturnType<typeof spawn>;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'coffer-embedded-load-'));
    dataDir = path.join(root, 'data');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // The README's command, as a user runs it.
    proc = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
        LOG_LEVEL: 'info',
        // Short crash rounds, so the crash players see several within their budget.
        CRASH_BETTING_MS: '400',
        CRASH_PAUSE_MS: '100',
        CRASH_GROWTH_PER_SECOND: '1',
        // Closed-loop load users send faster than the per-socket default allows.
        RATE_LIMIT_PER_SECOND: '1000',
        // Every virtual user signs in as a guest from this one address (default: 20 an hour).
        GUEST_SIGNUPS_PER_HOUR: '100000',
        // ... and sends every command from it (default: 1,000 a second).
        ADDRESS_COMMANDS_PER_SECOND: '100000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    await waitFor(() => fetch(`${url}/health/ready`).then((r) => r.ok, () => proc.exitCode !== null), 120_000, 100);
    assert.equal(proc.exitCode, null, `npm start exited:\n${output}`);
  });

  after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  async function run(name: ScenarioName): Promise<LoadSummary> {
    const logged: string[] = [];
    const summary = await runScenario(
      scenarios[name],
      // Latency thresholds are the bench's business (npm run bench), not a test's: only errors count here.
      { BASE_URL: url, VUS, DURATION: '5m', THINK_MS: '0', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, ACK_P95_MS: '60000', ACK_P99_MS: '60000', ...BUDGET[name] },
      { log: (m) => logged.push(m) },
    );
    assert.equal(summary.errors.failures, 0, `${name}: ${summary.errors.failures} errors: ${logged.slice(0, 20).join('; ')}`);
    assert.ok(summary.acks > 0, `${name} did some work`);
    return summary;
  }

  test('players: the economy mix, 50 players', async () => {
    const summary = await run('players');
    assert.equal(summary.acks + summary.refusals, 50 * 20 + 50, 'every command of every player answered (plus one funding grant each)');
  });

  test('board: 50 players race for the tasks an admin creates, each bounty paid once', async () => {
    const summary = await run('board');
    assert.ok((summary.ackMsByType?.['task.complete']?.count ?? 0) > 0, JSON.stringify(summary.ackMsByType));
  });

  test('crash: 50 players bet and cash out over several rounds', async () => {
    const summary = await run('crash');
    assert.ok((summary.ackMsByType?.['crash.bet']?.count ?? 0) >= 50, JSON.stringify(summary.ackMsByType));
  });

  test('admin: grants, debits, look-ups and audits while 50 players play', async () => {
    const summary = await run('admin');
    assert.ok((summary.ackMsByType?.['admin.audit']?.count ?? 0) + (summary.ackMsByType?.['admin.grant']?.count ?? 0) > 0, JSON.stringify(summary.ackMsByType));
  });

  test('soak (shortened): players and crash players with think time', async () => {
    await run('soak');
  });

  test('SIGTERM ends it with 0 within 10 s, and the log holds no warning', async () => {
    // The server itself, as a service manager would signal it (npm does not pass signals on).
    const serverPid = Number(/"pid":(\d+)/.exec(output)?.[1]);
    assert.ok(serverPid > 0, 'the server logged its pid');
    const exited = once(proc, 'exit');
    const started = Date.now();
    process.kill(serverPid, 'SIGTERM');
    // npm exits with its script's code: the server's.
    const [code] = await exited;
    assert.equal(code, 0, output.slice(-3000));
    assert.ok(Date.now() - started < 10_000, `exit took ${Date.now() - started} ms`);
    // pino lines below level 40 (warn) are fine, and so are the client build's own lines (prestart)
    // and, where glibc is older than 2.38, the one warning that uWebSockets.js fell back to ws;
    // anything else (a warning, a stack trace, Node's own warnings) is a defect.
    const expected = (line: string) => /^\{"level":[123]0,/.test(line) || /^client[ /]/.test(line) || /"msg":"uWebSockets\.js does not load .*falling back to the ws transport/.test(line);
    const unexpected = output.split('\n').filter((line) => line.trim() !== '' && !expected(line));
    assert.deepEqual(unexpected, [], 'nothing but info lines in the server log');
  });

  test('the stopped data directory holds a balanced ledger, and every bounty was paid once', async () => {
    assert.notEqual(proc.exitCode, null, 'the server has stopped');
    const pg = await startEmbeddedPostgres(dataDir);
    try {
      await assertLedgerHolds(pg.url);
      const twice = await queryRows(pg.url, `SELECT ref FROM transfers WHERE reason = 'task.bounty' GROUP BY ref HAVING count(*) > 1`);
      assert.deepEqual(twice, []);
    } finally {
      await pg.close();
    }
  });
});
