// The yardstick the bench divides by: what this machine's PostgreSQL does with one transaction
// per update. pgbench -N (simple updates, no branch contention) when installed, else a loop
// with `pg` doing the same shape of work.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pgClient } from '../tests/support/db.ts';

export type Baseline = { kind: string; tps: number };

const CONNECTIONS = 8;

export async function pgbenchBaseline(url: string, seconds: number): Promise<Baseline | null> {
  const run = promisify(execFile);
  try {
    await run('pgbench', ['--version']);
  } catch {
    return null;
  }
  await run('pgbench', ['-i', '-q', '-s', '10', url]);
  const { stdout } = await run('pgbench', ['-N', '-c', String(CONNECTIONS), '-j', '2', '-T', String(seconds), url]);
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  await run('psql', [url, '-qc', 'DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers']);
  return { kind: `pgbench -N -c${CONNECTIONS}`, tps };
}

export async function pgLoopBaseline(url: string, seconds: number): Promise<Baseline> {
  const setup = pgClient(url);
  await setup.connect();
  await setup.query(`CREATE TABLE bench_accounts (id int PRIMARY KEY, balance bigint NOT NULL DEFAULT 0)`);
  await setup.query(`INSERT INTO bench_accounts SELECT generate_series(1, 100000)`);
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const c = pgClient(url);
      await c.connect();
      while (Date.now() < end) {
        await c.query('BEGIN');
        await c.query(`UPDATE bench_accounts SET balance = balance + 1 WHERE id = $1`, [1 + Math.floor(Math.random() * 100000)]);
        await c.query('COMMIT');
        done++;
      }
      await c.end();
    }),
  );
  await setup.query('DROP TABLE bench_accounts');
  await setup.end();
  return { kind: `pg loop, one transaction per update, ${CONNECTIONS} connections`, tps: done / seconds };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * The database's own latency tail: pgbench -N paced at `rate` transactions/s (-R), p50/p99 of the
 * per-transaction latencies it logs (measured from each transaction's scheduled start).
 */
export async function pgbenchLatency(url: string, rate: number, seconds: number): Promise<{ p50: number; p99: number } | null> {
  const run = promisify(execFile);
  try {
    await run('pgbench', ['--version']);
  } catch {
    return null;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'coffer-pgbench-'));
  try {
    await run('pgbench', ['-i', '-q', '-s', '10', url]);
    await run('pgbench', ['-N', '-c', String(CONNECTIONS), '-j', '2', '-R', String(Math.round(rate)), '-T', String(seconds), '-l', `--log-prefix=${path.join(dir, 'log')}`, url]);
    const latencies: number[] = [];
    for (const file of await readdir(dir)) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const micros = Number(line.split(' ')[2]);
        if (Number.isFinite(micros)) latencies.push(micros / 1000);
      }
    }
    await run('psql', [url, '-qc', 'DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers']);
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
