// The k6 bundles (runner A). k6 itself is not installed on our machines (it is not a Debian or npm
// package), so this file checks the bundles three ways instead of running k6 (which is verified
// separately with real k6 binaries, v0.54 and later):
//  1. `npm run build:load`'s output imports only k6 modules and uses no Node-only API
//     (require, node: modules, process, unguarded Buffer, __dirname).
//  2. Its syntax is ES2020 at most (parsed with TypeScript's parser; no class fields, private
//     names, logical assignment, numeric separators, top-level await...), what k6 v0.54 runs.
//  3. The same build, in CommonJS form, runs in a bare `node:vm` context (ECMAScript built-ins
//     only: no process, Buffer, URL, TextEncoder, performance), with small stand-ins for the k6
//     modules over Node's fetch and WebSocket, against a real server: setup signs the admin in,
//     a role function plays, handleSummary writes the summary. That exercises load/k6/runtime.ts
//     and the codec as bundled, though not k6's own VM.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import vm from 'node:vm';
import ts from 'typescript';
import { buildLoadScripts } from '../load/build.ts';
import { scenarios } from '../load/scenario/index.ts';
import { evaluateThreshold, type LoadSummary } from '../load/scenario/summary.ts';
import { serverFixture } from './support/fixture.ts';
import { TEST_ADMIN_PASSWORD } from './support/server.ts';

// The board scenario's board must exist: boards are the server's (BOARDS), not made by a join.
const fx = serverFixture('coffer_load_k6', { BOARDS: 'main,k6-board' });
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'coffer-k6-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Node-only constructs a k6 script must not contain, with what each one means. */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\brequire\s*\(/, 'require()'],
  [/["']node:/, 'a node: module'],
  [/\bprocess\s*\./, 'process.*'],
  [/\b__dirname\b|\b__filename\b/, '__dirname / __filename'],
  [/\bimport\.meta\b/, 'import.meta'],
  [/\bsetImmediate\b/, 'setImmediate'],
];

/**
 * `Buffer` may appear only behind a runtime check (msgpackr's `typeof Buffer !== "undefined"` /
 * `hasNodeBuffer`), on the same line or the line before; any other use would throw in k6.
 */
function unguardedBufferLines(source: string): string[] {
  const lines = source.split('\n');
  return lines.filter((line, i) => /(?<![\w$])Buffer\b/.test(line) && !/typeof Buffer|hasNodeBuffer/.test(line + (lines[i - 1] ?? '')) && !/["'][^"']*\bBuffer\b[^"']*["']/.test(line));
}

test('npm run build:load writes one ES module per scenario that imports only k6 modules and no Node API', async () => {
  const files = await buildLoadScripts({ outDir: path.join(dir, 'esm') });
  assert.deepEqual(files.map((f) => path.basename(f)).sort(), Object.keys(scenarios).map((n) => `${n}.js`).sort());
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    const imports = [...source.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]);
    assert.ok(imports.length > 0, `${file} has no imports at all`);
    for (const specifier of imports) assert.match(specifier, /^k6(\/[a-z/]+)?$/, `${path.basename(file)} imports ${specifier}`);
    assert.ok(imports.includes('k6/experimental/websockets') && imports.includes('k6/metrics') && imports.includes('k6/http'));
    for (const [pattern, what] of FORBIDDEN) assert.doesNotMatch(source, pattern, `${path.basename(file)} uses ${what}`);
    assert.deepEqual(unguardedBufferLines(source), [], `${path.basename(file)} uses Buffer without a guard`);
    assert.doesNotMatch(source, /\bZodError\b|zod\/v4/, 'zod itself is not bundled');
    for (const name of ['options', 'setup', 'handleSummary', ...scenarios[path.basename(file, '.js') as keyof typeof scenarios].roles.map((r) => r.name)]) {
      assert.match(source, new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`), `${path.basename(file)} exports ${name}`);
    }
  }
});

/** Syntax newer than ES2020 in a script, one line per construct found (empty: ES2020 at most). */
function post2020Syntax(source: string): string[] {
  const file = ts.createSourceFile('bundle.js', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push(`${what} (line ${line + 1}: ${node.getText(file).slice(0, 60)})`);
  };
  const logicalAssignment = [ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken];
  const visit = (node: ts.Node, inFunction: boolean) => {
    if (ts.isPropertyDeclaration(node) && ts.isClassLike(node.parent)) at(node, 'class field (ES2022)');
    else if (ts.isPrivateIdentifier(node)) at(node, 'private name (ES2022)');
    else if (ts.isClassStaticBlockDeclaration(node)) at(node, 'class static block (ES2022)');
    else if (ts.isBinaryExpression(node) && logicalAssignment.includes(node.operatorToken.kind)) at(node, 'logical assignment (ES2021)');
    else if (ts.isNumericLiteral(node) && node.getText(file).includes('_')) at(node, 'numeric separator (ES2021)');
    else if (ts.isRegularExpressionLiteral(node) && /\/[a-z]*[dv][a-z]*$/.test(node.text)) at(node, 'regular expression flag d or v (ES2022+)');
    else if ((ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) && !inFunction) at(node, 'top-level await (ES2022)');
    else if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Using) !== 0) at(node, 'using declaration (ES2026)');
    else if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.attributes) at(node, 'import attributes (ES2025)');
    const nowInFunction = inFunction || ts.isFunctionLike(node);
    ts.forEachChild(node, (child) => visit(child, nowInFunction));
  };
  if (source.startsWith('#!')) found.push('hashbang (ES2023)');
  visit(file, false);
  return found;
}

test('the bundles use no syntax newer than ES2020 (what k6 v0.54 runs)', async () => {
  const files = await buildLoadScripts({ outDir: path.join(dir, 'syntax') });
  for (const file of files) assert.deepEqual(post2020Syntax(await readFile(file, 'utf8')), [], `${path.basename(file)} has syntax k6 v0.54 may not run`);
});

test('the syntax scanner catches what ES2020 does not have, and passes what it has', () => {
  const newer = ['class A { x = 1 }', 'class A { #x; m() { return this.#x; } }', 'class A { static { } }', 'a ??= 1;', 'a ||= 1;', 'const n = 1_000;', 'const r = /a/d;', 'await x;', 'import j from "./a.json" with { type: "json" };'];
  for (const snippet of newer) assert.ok(post2020Syntax(snippet).length >= 1, snippet);
  const es2020 = 'const a = b ?? c?.d; async function f() { await g(); for await (const x of y) {} } const big = 10n; export * as ns from "k6";';
  assert.deepEqual(post2020Syntax(es2020), []);
});

test('the scanner itself catches Node-only code', () => {
  assert.deepEqual(unguardedBufferLines('const b = Buffer.from(x);'), ['const b = Buffer.from(x);']);
  assert.deepEqual(unguardedBufferLines('const b = typeof Buffer !== "undefined" ? Buffer.from(x) : y;'), []);
  assert.ok(FORBIDDEN.some(([p]) => p.test('const fs = require("node:fs");')));
  assert.ok(FORBIDDEN.some(([p]) => p.test('if (process.env.X) {}')));
});

/** Metric samples the stand-in k6/metrics module records, by metric name. */
type Samples = Map<string, Array<{ value: number; tags?: Record<string, string> }>>;

function k6StandIns(samples: Samples) {
  const record = (name: string) => (value: number | boolean, tags?: Record<string, string>) => {
    const list = samples.get(name) ?? [];
    list.push({ value: Number(value), tags });
    samples.set(name, list);
  };
  class Metric {
    add: (value: number | boolean, tags?: Record<string, string>) => void;
    constructor(name: string) {
      this.add = record(name);
    }
  }
  // k6's WebSocket API (onopen/onmessage/onclose properties) over Node's WebSocket.
  class K6WebSocket {
    binaryType = 'blob';
    onopen: (() => void) | null = null;
    onmessage: ((e: { data: ArrayBuffer }) => void) | null = null;
    onerror: ((e: { error?: string }) => void) | null = null;
    onclose: ((e: { code: number }) => void) | null = null;
    readonly #socket: WebSocket;
    constructor(url: string) {
      this.#socket = new WebSocket(url);
      this.#socket.binaryType = 'arraybuffer';
      this.#socket.onopen = () => this.onopen?.();
      this.#socket.onmessage = (e) => this.onmessage?.({ data: e.data as ArrayBuffer });
      this.#socket.onerror = () => this.onerror?.({ error: 'socket error' });
      this.#socket.onclose = (e) => this.onclose?.({ code: e.code });
    }
    send(data: ArrayBuffer) {
      assert.ok(data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]', 'k6 sends ArrayBuffers');
      this.#socket.send(data);
    }
    close(code?: number) {
      this.#socket.close(code);
    }
  }
  const http = {
    async asyncRequest(method: string, url: string, body: string | null, params: { headers?: Record<string, string> }) {
      const res = await fetch(url, { method, body: body ?? undefined, headers: params?.headers });
      return { status: res.status, body: await res.text(), error: '' };
    },
    // k6's http.post blocks the VU; here a child process does the request synchronously.
    post(url: string, body: string, params: { headers?: Record<string, string> }) {
      const script = `fetch(${JSON.stringify(url)}, { method: 'POST', body: ${JSON.stringify(body)}, headers: ${JSON.stringify(params?.headers ?? {})} }).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))`;
      return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    },
  };
  // k6's check(): every named test is booked in the built-in `checks` rate, tagged with its name.
  const check = (value: unknown, sets: Record<string, (v: unknown) => boolean>, tags?: Record<string, string>) => {
    let all = true;
    for (const [name, test] of Object.entries(sets)) {
      const ok = test(value);
      record('checks')(ok, { ...tags, check: name });
      all &&= ok;
    }
    return all;
  };
  return {
    k6: { sleep: () => assert.fail('the bundle blocked a VU with sleep() although timers exist'), check },
    // Whichever way the CommonJS interop reads the default export, it finds the client.
    'k6/http': { ...http, default: http },
    'k6/experimental/websockets': { WebSocket: K6WebSocket },
    'k6/metrics': { Trend: Metric, Counter: Metric, Rate: Metric },
  } as Record<string, unknown>;
}

function trendValues(list: Array<{ value: number }> | undefined) {
  const values = (list ?? []).map((s) => s.value).sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  return { count: values.length, avg: 0, min: values[0] ?? 0, med: at(0.5), max: values.at(-1) ?? 0, 'p(95)': at(0.95), 'p(99)': at(0.99) };
}

/** One scenario's CommonJS bundle loaded in a bare `node:vm` context with the k6 stand-ins. */
async function sandboxedBundle(scenario: keyof typeof scenarios, env: Record<string, string>): Promise<{ script: Record<string, any>; samples: Samples }> {
  const [file] = (await buildLoadScripts({ outDir: path.join(dir, 'cjs'), format: 'cjs' })).filter((f) => path.basename(f) === `${scenario}.js`);
  const samples: Samples = new Map();
  const modules = k6StandIns(samples);
  const sandbox: Record<string, unknown> = {
    module: { exports: {} },
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`the bundle required ${name}, which k6 does not have`);
      return modules[name];
    },
    __ENV: env,
    __VU: 1,
    console,
    setTimeout,
    clearTimeout,
  };
  sandbox.exports = (sandbox.module as { exports: object }).exports;
  const context = vm.createContext(sandbox);
  for (const global of ['process', 'Buffer', 'URL', 'TextEncoder', 'TextDecoder', 'performance', 'fetch', 'WebSocket']) {
    assert.equal(vm.runInContext(`typeof ${global}`, context), 'undefined', `${global} is not in the sandbox`);
  }
  vm.runInContext(await readFile(file, 'utf8'), context, { filename: file });
  return { script: (sandbox.module as { exports: Record<string, any> }).exports, samples };
}

test('a bundle runs in a bare JavaScript context with k6 stand-ins: setup, a role, handleSummary', async () => {
  const env = { BASE_URL: fx.server.url, VUS: '2', DURATION: '5m', COMMANDS: '8', THINK_MS: '1', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, SUMMARY_FILE: 'summary.json' };
  const { script, samples } = await sandboxedBundle('players', env);
  // Objects made inside the context have that context's prototypes: compare them as JSON.
  const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

  assert.deepEqual(Object.keys(script.options.scenarios), ['players']);
  assert.equal(script.options.scenarios.players.vus, 2);
  assert.deepEqual(plain(script.options.thresholds), {
    coffer_ack_ms: ['p(95)<250', 'p(99)<500'],
    coffer_errors: ['rate<0.01'],
    coffer_acks: ['count>=2'],
    coffer_setup_errors: ['count<1'],
  });

  const data = script.setup();
  assert.ok(data.admin?.token, 'setup signed the admin in');
  // Every counter has a sample from setup on (a 0), so k6 judges `count` thresholds even for a run that did nothing.
  for (const counter of ['coffer_acks', 'coffer_refusals', 'coffer_setup_errors', 'coffer_tasks_completed', 'coffer_bounty_mismatches']) {
    assert.ok((samples.get(counter) ?? []).some((s) => s.value === 0), `${counter} got a 0 sample in setup`);
  }
  await Promise.all([script.players(data), script.players(data)]);

  const sum = (name: string) => (samples.get(name) ?? []).reduce((n, s) => n + s.value, 0);
  const acks = sum('coffer_acks');
  const refusals = sum('coffer_refusals');
  const errors = samples.get('coffer_errors') ?? [];
  // Two VUs, 8 player commands each, plus one admin grant each.
  assert.equal(acks + refusals, 2 * 8 + 2);
  assert.equal(errors.filter((e) => e.value === 1).length, 0, 'no command failed');
  assert.equal(sum('coffer_setup_errors'), 0);
  assert.equal(samples.get('coffer_ack_ms')?.length, 2 * 8 + 2);
  assert.equal(samples.get('coffer_join_ms')?.length, 2 * 2, 'each VU joined its player room and the admin room');
  // Every command's outcome is a check named after its type; sign-ins and joins are checks too.
  const checks = samples.get('checks') ?? [];
  const commandChecks = checks.filter((c) => / acked or refused as expected$/.test(c.tags?.check ?? ''));
  assert.equal(commandChecks.length, 2 * 8 + 2);
  assert.ok(commandChecks.every((c) => c.value === 1 && c.tags?.check === `${c.tags?.type} acked or refused as expected`));
  assert.equal(checks.filter((c) => c.tags?.check === 'guest sign-in').length, 2);
  assert.equal(checks.filter((c) => c.tags?.check === 'player join' || c.tags?.check === 'admin join').length, 4);

  // What k6 hands to handleSummary, built from the recorded samples; the thresholds judged with
  // the kit's own evaluator (the one the Node runner uses) standing in for k6's.
  const byName = new Map<string, { name: string; passes: number; fails: number }>();
  for (const c of checks) {
    const entry = byName.get(c.tags!.check) ?? { name: c.tags!.check, passes: 0, fails: 0 };
    if (c.value === 1) entry.passes += 1;
    else entry.fails += 1;
    byName.set(entry.name, entry);
  }
  const failed = errors.filter((e) => e.value === 1).length;
  const metrics: Record<string, { type: string; contains?: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }> = {
    coffer_ack_ms: { type: 'trend', contains: 'time', values: trendValues(samples.get('coffer_ack_ms')) },
    coffer_join_ms: { type: 'trend', contains: 'time', values: trendValues(samples.get('coffer_join_ms')) },
    coffer_errors: { type: 'rate', values: { rate: failed / errors.length, passes: failed, fails: errors.length - failed } },
    checks: { type: 'rate', values: { rate: 1, passes: checks.length, fails: 0 } },
  };
  for (const counter of ['coffer_acks', 'coffer_refusals', 'coffer_retries', 'coffer_rejoins', 'coffer_setup_errors', 'coffer_tasks_completed', 'coffer_bounty_mismatches']) {
    if (samples.has(counter)) metrics[counter] = { type: 'counter', values: { count: sum(counter), rate: sum(counter) / 1.234 } };
  }
  for (const [metric, conditions] of Object.entries(plain(script.options.thresholds) as Record<string, string[]>)) {
    const m = metrics[metric];
    const trend = m.type === 'trend' ? { count: m.values.count, avg: m.values.avg, p50: m.values.med, p95: m.values['p(95)'], p99: m.values['p(99)'], max: m.values.max } : undefined;
    m.thresholds = Object.fromEntries(conditions.map((c) => [c, { ok: evaluateThreshold(c, { trend, rate: m.values.rate, count: m.values.count }) }]));
  }
  const out = script.handleSummary({
    metrics,
    root_group: { name: '', checks: [...byName.values()], groups: [] },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'] },
    state: { testRunDurationMs: 1234 },
  });
  assert.deepEqual(Object.keys(out).sort(), ['stdout', 'summary.json']);
  const summary = JSON.parse(out['summary.json']) as LoadSummary;
  assert.equal(summary.runner, 'k6');
  assert.equal(summary.acks, acks);
  assert.equal(summary.counters.coffer_setup_errors, 0);
  assert.equal(summary.ackMs.count, 2 * 8 + 2);
  assert.equal(summary.checks.passes, checks.length);
  assert.equal(summary.checks.fails, 0);
  assert.equal(summary.thresholds.length, 5);
  assert.equal(summary.ok, true);
  // stdout: k6's own end-of-test summary (checks, every metric, ✓ on the ones with thresholds), then ours.
  assert.match(out.stdout, /✓ guest sign-in/);
  assert.match(out.stdout, new RegExp(`✓ coffer_acks\\.+: ${acks} `));
  assert.match(out.stdout, /✓ coffer_ack_ms\.+: avg=[\d.]+(ms|µs) min=/);
  assert.match(out.stdout, /checks\.+: 100\.00%/);
  assert.ok(out.stdout.indexOf('coffer_acks...') < out.stdout.indexOf('scenario players (runner k6)'), 'k6 summary first, ours after it');
});

test('the board bundle, as k6 runs it: tasks completed and each bounty paid once, its purpose thresholds armed', async () => {
  // No board room exists before the run: the bundle's admin takes a seat in it before its first task.
  const env = { BASE_URL: fx.server.url, VUS: '3', DURATION: '20s', COMMANDS: '6', THINK_MS: '0', TASKS_PER_SECOND: '50', BOARD: 'k6-board', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD };
  const { script, samples } = await sandboxedBundle('board', env);
  const thresholds = JSON.parse(JSON.stringify(script.options.thresholds)) as Record<string, string[]>;
  assert.deepEqual(thresholds.coffer_tasks_completed, ['count>0']);
  assert.deepEqual(thresholds.coffer_bounty_mismatches, ['count<1']);
  assert.deepEqual(thresholds.coffer_acks, ['count>=4']);
  const data = script.setup();
  await Promise.all([script.boardAdmin(data), script.boardPlayers(data), script.boardPlayers(data), script.boardPlayers(data)]);
  const sum = (name: string) => (samples.get(name) ?? []).reduce((n, s) => n + s.value, 0);
  const completed = sum('coffer_tasks_completed');
  assert.ok(completed > 0, 'the players completed tasks');
  assert.equal(sum('coffer_bounty_mismatches'), 0);
  assert.equal(sum('coffer_setup_errors'), 0);
  const bountyChecks = (samples.get('checks') ?? []).filter((c) => c.tags?.check === 'task bounty paid exactly once');
  assert.equal(bountyChecks.length, completed);
  assert.ok(bountyChecks.every((c) => c.value === 1));
  assert.equal((samples.get('coffer_errors') ?? []).filter((e) => e.value === 1).length, 0, 'no command failed');
});
