// `npm run bench -- --quick` end to end: it must run through and print every figure BENCHMARKS.md
// lists, each with its ratio to a baseline from the same run. Checks the format (and that every
// player it set out to connect did connect), never the values: the machine is shared and noisy.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './support/server.ts';

test('npm run bench -- --quick prints every promised figure with its ratio', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'load/bench.ts'), '--quick'], { cwd: ROOT, env: process.env, maxBuffer: 16 * 1024 * 1024 });
  const figures = stdout.slice(stdout.indexOf('== figures'));
  assert.match(figures, /^== figures \(each against a baseline measured in this run\) ==$/m, stdout);
  const ratio = String.raw`\d+\.\d\dx`;
  assert.match(figures, new RegExp(String.raw`^durable commands/s over WebSocket: \d+/s = ${ratio} baseline \(.+: \d+ tx/s; bar 4x, goal 5x\)$`, 'm'));
  assert.match(figures, new RegExp(String.raw`^ack latency at half of peak: p50 \d+\.\d ms, p99 \d+\.\d ms \(bar 25 ms, goal 15 ms\) = (${ratio} / ${ratio} pgbench -N at half its rate .+|n/a \(no pgbench .+\))$`, 'm'));
  const players = new RegExp(String.raw`^connected players per process: (\d+) of (\d+) \((\d+) live\), RSS [\d.]+ MB idle -> [\d.]+ MB = ${ratio} idle; -?[\d.]+ KB per player$`, 'm').exec(figures);
  assert.ok(players, `no players figure in:\n${figures}`);
  assert.equal(players[1], players[2], 'every player the quick run set out to connect joined its room');
  assert.equal(players[3], players[2], 'and every one answered a command');
  assert.match(figures, /^half of peak, 1 run\(s\): ack p99 \d+\.\d ms; worst \d+\.\d ms \(bar 25 ms in every run\)$/m);
  assert.match(figures, new RegExp(String.raw`^joins: first tenth of the players in \d+\.\d\d s, last tenth in \d+\.\d\d s = ${ratio} \(bar 1\.5x\); all \d+ in [\d.]+ s \(bar 20 s at 10,000\)$`, 'm'));
  assert.match(figures, /^memory per player after a forced GC: RSS -?[\d.]+ KB, JS heap -?[\d.]+ KB \(bar 60 KB RSS, goal 40 KB\)$/m);
  assert.match(figures, /^one idle player room holds \(JS heap, per player\): (.+ -?\d+ B \(-?[\d.]+\); ){7}.+ -?\d+ B \(-?[\d.]+\)$/m);
  assert.match(figures, new RegExp(String.raw`^embedded mode \(PGlite\): \d+/s = ${ratio} services mode = ${ratio} baseline \(bar 0\.5x services\); ack p99 at half of peak \d+\.\d ms \(services \d+\.\d ms\)$`, 'm'));
  assert.match(figures, /^effect delivery \(task\.complete ack -> balance\.changed in the assignee's room\): services p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms over \d+; embedded p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms over \d+$/m);
  assert.match(figures, new RegExp(String.raw`^two processes \(PostgreSQL \+ Redis\): \d+/s = ${ratio} one process$`, 'm'));
  assert.match(figures, /^server CPU per acked command: peak \d+ µs, half of peak \d+ µs, (ws peak \d+ µs, )?two processes \d+ µs \(both\), embedded peak \d+ µs \(server incl\. PGlite\)$/m);
  const transport = process.env.COFFER_EXPECT_TRANSPORT === 'uws' ? String.raw`\d+ / \d+ = ${ratio}` : String.raw`(\d+ / \d+ = ${ratio}|n/a \(.+\))`;
  assert.match(figures, new RegExp(String.raw`^uWS / ws commands/s: ${transport}$`, 'm'));
  const noisy = new RegExp(String.raw`^noisy neighbour: other players' ack p99 \d+\.\d ms with one account flooding at its limits = ${ratio} their p99 without \(\d+\.\d ms, over (\d+) acks; bar 2x\)$`, 'm').exec(figures);
  assert.ok(noisy, 'the noisy-neighbour figure is printed');
  assert.ok(Number(noisy[1]) >= 100, `its p99 rests on at least 100 acks each side (${noisy[1]})`);
  const table = new RegExp(String.raw`^noisy neighbour at a crash table: other players' bet p99 \d+\.\d ms with one account flooding the table at its limits = ${ratio} their p99 without \(\d+\.\d ms, over (\d+) bets\); longest betting phase (\d+) ms of (\d+)$`, 'm').exec(figures);
  assert.ok(table, 'the crash-table noisy-neighbour figure is printed');
  assert.ok(Number(table[1]) >= 40, `its p99 rests on at least 40 bets each side (${table[1]})`);
  assert.ok(Number(table[2]) > 0, 'betting phases were seen under the flood');
  const crash = new RegExp(String.raw`^crash table, (\d+) players betting at once \((\d+) rounds\): bet p50 \d+\.\d ms, p99 \d+\.\d ms = ${ratio} one bet at a time \(\d+\.\d ms\); server CPU \d+ µs per bet; (\d+) refused$`, 'm').exec(figures);
  assert.ok(crash, 'the crash table figure is printed');
  assert.deepEqual([crash[1], crash[2], crash[3]], ['32', '2', '0'], 'every bet of the quick run was acked');
  assert.match(figures, new RegExp(String.raw`^client bundle: ([\d.]+ KB gzip in \d+ files = ${ratio} the Colyseus SDK alone \(.+\)|client not built \(.+\))$`, 'm'));
});
