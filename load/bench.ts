// `npm run bench [-- --quick] [-- --clients N] [-- --seconds S] [-- --players N] [-- --repeat N] [-- --profile]`
// One invocation prints every performance figure (BENCHMARKS.md), each next to a baseline
// measured in the same run:
//   durable commands/s over WebSocket ÷ PostgreSQL's one-transaction-per-update rate (pgbench -N,
//     else the same loop in `pg`); ack p50/p99 at half of peak ÷ pgbench's own at half its rate;
//   server CPU per acked command, every phase (process CPU ÷ acks: steadier than commands/s);
//   the half-of-peak phase `--repeat` times, each p99 and the worst;
//   the same peak and half phases in embedded mode (PGlite) and on two processes (PostgreSQL + Redis);
//   connected players per process, memory per player after a forced GC, and what one idle player
//     room holds (heap snapshot); the join time of the first and the last tenth of the players;
//   uWebSockets.js ÷ ws commands/s (TRANSPORT=uws vs ws, same clients, same database);
//   the client bundle's gzip size ÷ the Colyseus SDK's browser bundle.
// Also one account flooding at its limits next to five steady players (the noisy neighbour, default
// limits), the same at a crash table (one account flooding it while the others bet as rounds open),
// and a crash table's players all betting as a round opens (next to one bet at a time).
// `--profile` writes CPU profiles of the server during the peak phase and the joins
// (bench-profiles/) and prints their top functions.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase, pgClient } from '../tests/support/db.ts';
import { migrate, ROOT, TEST_ADMIN_PASSWORD } from '../tests/support/server.ts';
import { pgbenchLatency, pgLoopBaseline, pgbenchBaseline } from './baseline.ts';
import { clientBundle, type ClientFigure } from './benchClient.ts';
import { crashBurst, type CrashBurstFigure } from './benchCrash.ts';
import { Inspector } from './benchInspector.ts';
import { closedLoop, paced, report, type Phase } from './benchPhases.ts';
import { connectedPlayers, playerRoomHolders, type Holder, type PlayersFigure } from './benchPlayers.ts';
import { effectLatency, type EffectFigure } from './effectBench.ts';
import { embeddedProcess, fund, servicesPair, servicesProcess, type BenchTarget } from './benchServers.ts';
import { pipelineOnly } from './pipelineBench.ts';
import { noisyNeighbour, type NoisyFigure } from './benchNoisyNeighbour.ts';
import { tableFlood, type TableFloodFigure } from './benchTableFlood.ts';
import { MIX_LABEL, mixed, rpsOnly } from './workloads.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    clients: { type: 'string' },
    seconds: { type: 'string' },
    inflight: { type: 'string', default: '4' },
    players: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});
const clients = Number(values.clients ?? (values.quick ? 16 : 64));
const seconds = Number(values.seconds ?? (values.quick ? 2 : 10));
const inflight = Number(values.inflight);
const repeat = Math.max(1, Number(values.repeat));
// 10,000 is the figure the project aims at (BENCHMARKS.md); each player holds a socket on both sides (check `ulimit -n`).
const playerCount = Math.min(10_000, Number(values.players ?? (values.quick ? 300 : 10_000)));
const ms = seconds * 1000;
// Effect delivery: assignees completing tasks one after another, all at once.
const effectPlayers = values.quick ? 4 : 16;
const effectRounds = values.quick ? 5 : 10;
// A crash table as a round opens: this many players betting at once, over this many rounds.
const crashPlayers = values.quick ? 32 : 100;
const crashRounds = values.quick ? 2 : 3;
/** Rounds bet quietly, then as many under the flood, in the crash table's noisy-neighbour phase. */
const floodRounds = values.quick ? 2 : 5;

const db = await createTestDatabase('coffer_bench');
try {
  await migrate(db.url);
  console.log(`# Coffer bench: ${clients} clients, ${inflight} commands in flight each, ${seconds} s per phase, up to ${playerCount} connected players, half of peak ${repeat}x`);

  const baseline = (await pgbenchBaseline(db.url, seconds)) ?? (await pgLoopBaseline(db.url, seconds));
  console.log(`baseline (${baseline.kind}): ${baseline.tps.toFixed(0)} transactions/s`);
  // Each phase leaves dirty pages and WAL behind; a checkpoint between phases keeps one phase's
  // flush I/O out of the next one's latencies.
  await checkpoint(db.url);

  let peak: Phase;
  let halves: Phase[] = [];
  let transport: string;
  let main: BenchTarget | undefined;
  let servicesEffects: EffectFigure;
  try {
    main = await servicesProcess(db.url, clients, { inspect: values.profile });
    const [url] = main.urls;
    transport = await activeTransport(url);
    console.log(`transport: ${transport}`);
    peak = await profiled(main, () => closedLoop(main!.urls, main!.tabs, inflight, ms, rpsOnly));
    report('peak (closed loop)', peak);
    const before = await commandBuckets(url);
    for (let run = 1; run <= repeat; run++) {
      await checkpoint(db.url);
      const half = await paced(main.urls, main.tabs, peak.perSecond / 2, ms, rpsOnly);
      halves.push(half);
      report(`half of peak (${(peak.perSecond / 2).toFixed(0)}/s offered)${repeat > 1 ? ` run ${run} of ${repeat}` : ''}`, half);
    }
    const serverP99 = p99Bucket(before, await commandBuckets(url));
    console.log(`  server side (receive -> reply sent) at half of peak: p99 <= ${serverP99} ms`);
    console.log(await pipelineFigures(url));
    await checkpoint(db.url);
    const mixedPeak = await closedLoop(main.urls, main.tabs, inflight, ms, mixed);
    report(`mixed peak (${MIX_LABEL})`, mixedPeak);
    await checkpoint(db.url);
    const mixedHalf = await paced(main.urls, main.tabs, mixedPeak.perSecond / 2, ms, mixed);
    report(`mixed at half of peak (${(mixedPeak.perSecond / 2).toFixed(0)}/s offered)`, mixedHalf);
    console.log(`mixed ratio to baseline: ${(mixedPeak.perSecond / baseline.tps).toFixed(2)}x; mixed ack p99 at half of peak: ${mixedHalf.p99.toFixed(1)} ms`);
    servicesEffects = await effectLatency(url, TEST_ADMIN_PASSWORD, effectPlayers, effectRounds);
    reportEffects('services', servicesEffects);
  } finally {
    await main?.stop();
  }
  const sessions = main.sessions;

  // The same clients and database on the ws transport, to set uWS against.
  let wsPeak: Phase | undefined;
  if (transport === 'uws') {
    await checkpoint(db.url);
    const ws = await servicesProcess(db.url, sessions, { transport: 'ws' });
    try {
      wsPeak = await closedLoop(ws.urls, ws.tabs, inflight, ms, rpsOnly);
      report('peak on the ws transport (closed loop)', wsPeak);
    } finally {
      await ws.stop();
    }
  }

  // Two processes sharing PostgreSQL and Redis, half of the clients joining through each.
  await checkpoint(db.url);
  const pairPeak = await onTarget(() => servicesPair(db.url, sessions), (t) => closedLoop(t.urls, t.tabs, inflight, ms, rpsOnly));
  report('two processes, peak (closed loop)', pairPeak);

  // Embedded mode: PGlite in the server process, no PostgreSQL, no Redis.
  const embedded = await onTarget(
    () => embeddedProcess(clients),
    async (t) => {
      const p = await closedLoop(t.urls, t.tabs, inflight, ms, rpsOnly);
      report('embedded, peak (closed loop)', p);
      const h = await paced(t.urls, t.tabs, p.perSecond / 2, ms, rpsOnly);
      report(`embedded, half of peak (${(p.perSecond / 2).toFixed(0)}/s offered)`, h);
      const effects = await effectLatency(t.urls[0], TEST_ADMIN_PASSWORD, effectPlayers, effectRounds);
      reportEffects('embedded', effects);
      return { peak: p, half: h, effects };
    },
  );

  // Fresh processes, so their memory holds nothing but the players under test.
  const holders = await onTarget(
    () => servicesProcess(db.url, [], { inspect: true }),
    (t) => Inspector.with(t.inspectPort!, (inspector) => playerRoomHolders(t.servers[0], inspector)),
  );
  const players = await onTarget(
    () => servicesProcess(db.url, [], { inspect: true }),
    (t) =>
      Inspector.with(t.inspectPort!, async (inspector) => {
        const join = () => connectedPlayers(t.servers[0], playerCount, inspector);
        const figure = values.profile ? await profileWith(inspector, 'joins', join) : await join();
        console.log(`players: ${figure.connected} of ${figure.target} joined in ${figure.joinSeconds.toFixed(1)} s, ${figure.live} answered a command`);
        return figure;
      }),
  );

  await checkpoint(db.url);
  const crash = await crashBurst(db.url, crashPlayers, crashRounds);
  console.log(`crash table: ${crash.players} players betting at once, ${crash.rounds} rounds: bet p50 ${crash.p50.toFixed(1)} ms, p99 ${crash.p99.toFixed(1)} ms, max ${crash.max.toFixed(1)} ms; one bet at a time ${crash.aloneMs.toFixed(1)} ms (median); ${crash.refused} refused; server CPU ${crash.cpuPerBetUs.toFixed(0)} µs/bet`);

  await checkpoint(db.url);
  const noisy = await noisyNeighbour(db.url, seconds, (userIds, amount) => fund(db.url, userIds, amount));
  console.log(
    `noisy neighbour: ${noisy.floodSockets} sockets of one account sent ${noisy.floodSent} (${noisy.floodAcked} acked, ${noisy.floodLimited} RATE_LIMITED); ` +
      `other players' ack p50 ${noisy.quietP50.toFixed(1)} -> ${noisy.noisyP50.toFixed(1)} ms, p99 ${noisy.quietP99.toFixed(1)} -> ${noisy.noisyP99.toFixed(1)} ms (${noisy.samples} acks each)`,
  );
  await checkpoint(db.url);
  const tableNoisy = await tableFlood(db.url, floodRounds, (userIds, amount) => fund(db.url, userIds, amount));
  console.log(
    `noisy neighbour at a crash table: one account sent ${tableNoisy.floodSent} (${tableNoisy.floodAcked} acked, ${tableNoisy.floodLimited} RATE_LIMITED, ${tableNoisy.floodClosed} on closed sockets); ` +
      `other players' bet p50 ${tableNoisy.quietP50.toFixed(1)} -> ${tableNoisy.noisyP50.toFixed(1)} ms, p99 ${tableNoisy.quietP99.toFixed(1)} -> ${tableNoisy.noisyP99.toFixed(1)} ms (${tableNoisy.samples} bets each); longest betting phase ${tableNoisy.longestBettingMs} ms (configured ${tableNoisy.bettingMs})`,
  );

  await checkpoint(db.url);
  const ceiling = await pipelineOnly(db.url, clients * inflight, seconds);
  console.log(`pipeline alone (no WebSocket, ${clients * inflight} writers): ${ceiling.toFixed(0)} mutations/s, ${(ceiling / baseline.tps).toFixed(2)}x baseline`);
  await checkpoint(db.url);
  const dbTail = await pgbenchLatency(db.url, baseline.tps / 2, seconds);
  if (dbTail) console.log(`baseline latency at half its rate (pgbench -N -R ${(baseline.tps / 2).toFixed(0)}): p50 ${dbTail.p50.toFixed(1)} ms, p99 ${dbTail.p99.toFixed(1)} ms`);
  const client = await clientBundle(values.quick ? 30_000 : 120_000);

  printFigures({ baselineTps: baseline.tps, baselineKind: baseline.kind, servicesEffects: servicesEffects!, peak: peak!, halves, dbTail, players, holders, transport: transport!, wsPeak, client, pairPeak, embedded, noisy, tableNoisy, crash });
} finally {
  await db.drop();
}

function reportEffects(mode: string, e: EffectFigure) {
  console.log(`${mode}, effect delivery (task.complete ack -> balance.changed): p50 ${e.p50.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms, max ${e.max.toFixed(1)} ms over ${e.count} bounties`);
}

/** Starts a target, runs `work` on it, stops it whatever happens. */
async function onTarget<T>(start: () => Promise<BenchTarget>, work: (t: BenchTarget) => Promise<T>): Promise<T> {
  const t = await start();
  try {
    return await work(t);
  } finally {
    await t.stop();
  }
}

/** With `--profile`, the phase runs under the server's CPU profiler (bench-profiles/peak-<time>.cpuprofile). */
async function profiled(t: BenchTarget, phase: () => Promise<Phase>): Promise<Phase> {
  if (!values.profile || t.inspectPort === undefined) return phase();
  return Inspector.with(t.inspectPort, (inspector) => profileWith(inspector, 'peak', phase));
}

/** Runs `phase` under the server's CPU profiler (bench-profiles/<name>-<time>.cpuprofile) and prints its top functions. */
async function profileWith<T>(inspector: Inspector, name: string, phase: () => Promise<T>): Promise<T> {
  const dir = path.join(ROOT, 'bench-profiles');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  const { result, top } = await inspector.profile(file, phase);
  console.log(`CPU profile of the server during the ${name} phase: ${path.relative(ROOT, file)} (open in Chrome DevTools or speedscope); top functions by self time:`);
  for (const line of top) console.log(`  ${line}`);
  return result;
}

type Figures = {
  baselineTps: number;
  baselineKind: string;
  peak: Phase;
  halves: Phase[];
  pairPeak: Phase;
  embedded: { peak: Phase; half: Phase; effects: EffectFigure };
  servicesEffects: EffectFigure;
  dbTail: { p50: number; p99: number } | null;
  players: PlayersFigure;
  holders: Holder[];
  transport: string;
  wsPeak: Phase | undefined;
  client: ClientFigure;
  noisy: NoisyFigure;
  tableNoisy: TableFloodFigure;
  crash: CrashBurstFigure;
};

// Function declarations (hoisted): the top-level code above calls printFigures before this line.
function x(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : 'n/a';
}
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** The figures of BENCHMARKS.md, one line each, every one with its ratio to a baseline of this run. */
function printFigures(f: Figures) {
  const half = f.halves.reduce((worst, h) => (h.p99 > worst.p99 ? h : worst));
  console.log('');
  console.log('== figures (each against a baseline measured in this run) ==');
  console.log(`durable commands/s over WebSocket: ${f.peak.perSecond.toFixed(0)}/s = ${x(f.peak.perSecond / f.baselineTps)} baseline (${f.baselineKind}: ${f.baselineTps.toFixed(0)} tx/s; bar 4x, goal 5x)`);
  const tail = f.dbTail ? `${x(half.p50 / f.dbTail.p50)} / ${x(half.p99 / f.dbTail.p99)} pgbench -N at half its rate (p50 ${f.dbTail.p50.toFixed(1)} ms, p99 ${f.dbTail.p99.toFixed(1)} ms)` : 'n/a (no pgbench for a latency baseline)';
  console.log(`ack latency at half of peak: p50 ${half.p50.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms (bar 25 ms, goal 15 ms) = ${tail}`);
  console.log(`half of peak, ${f.halves.length} run(s): ack p99 ${f.halves.map((h) => h.p99.toFixed(1)).join(', ')} ms; worst ${half.p99.toFixed(1)} ms (bar 25 ms in every run)`);
  const p = f.players;
  console.log(`connected players per process: ${p.connected} of ${p.target} (${p.live} live), RSS ${mb(p.idleRssBytes)} idle -> ${mb(p.rssBytes)} = ${x(p.rssBytes / p.idleRssBytes)} idle; ${kb(p.perPlayerBytes)} per player`);
  console.log(`joins: first tenth of the players in ${p.firstTenthSeconds.toFixed(2)} s, last tenth in ${p.lastTenthSeconds.toFixed(2)} s = ${x(p.lastTenthSeconds / p.firstTenthSeconds)} (bar 1.5x); all ${p.connected} in ${p.joinSeconds.toFixed(1)} s (bar 20 s at 10,000)`);
  console.log(`memory per player after a forced GC: RSS ${kb(p.perPlayerBytes)}, JS heap ${kb(p.heapPerPlayerBytes)} (bar 60 KB RSS, goal 40 KB)`);
  console.log(`one idle player room holds (JS heap, per player): ${f.holders.slice(0, 8).map((h) => `${h.name} ${h.bytes.toFixed(0)} B (${h.count.toFixed(1)})`).join('; ')}`);
  const e = f.embedded;
  console.log(`embedded mode (PGlite): ${e.peak.perSecond.toFixed(0)}/s = ${x(e.peak.perSecond / f.peak.perSecond)} services mode = ${x(e.peak.perSecond / f.baselineTps)} baseline (bar 0.5x services); ack p99 at half of peak ${e.half.p99.toFixed(1)} ms (services ${half.p99.toFixed(1)} ms)`);
  const fx = (e: EffectFigure) => `p50 ${e.p50.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms, max ${e.max.toFixed(1)} ms over ${e.count}`;
  console.log(`effect delivery (task.complete ack -> balance.changed in the assignee's room): services ${fx(f.servicesEffects)}; embedded ${fx(e.effects)}`);
  console.log(`two processes (PostgreSQL + Redis): ${f.pairPeak.perSecond.toFixed(0)}/s = ${x(f.pairPeak.perSecond / f.peak.perSecond)} one process`);
  const cpu = (ph: Phase) => `${ph.cpuPerAckUs.toFixed(0)} µs`;
  console.log(`server CPU per acked command: peak ${cpu(f.peak)}, half of peak ${cpu(half)}, ${f.wsPeak ? `ws peak ${cpu(f.wsPeak)}, ` : ''}two processes ${cpu(f.pairPeak)} (both), embedded peak ${cpu(e.peak)} (server incl. PGlite)`);
  if (f.wsPeak) console.log(`uWS / ws commands/s: ${f.peak.perSecond.toFixed(0)} / ${f.wsPeak.perSecond.toFixed(0)} = ${x(f.peak.perSecond / f.wsPeak.perSecond)}`);
  else console.log(`uWS / ws commands/s: n/a (uWebSockets.js not in use: transport ${f.transport})`);
  console.log(`noisy neighbour: other players' ack p99 ${f.noisy.noisyP99.toFixed(1)} ms with one account flooding at its limits = ${x(f.noisy.noisyP99 / f.noisy.quietP99)} their p99 without (${f.noisy.quietP99.toFixed(1)} ms, over ${f.noisy.samples} acks; bar 2x)`);
  const t = f.tableNoisy;
  console.log(`noisy neighbour at a crash table: other players' bet p99 ${t.noisyP99.toFixed(1)} ms with one account flooding the table at its limits = ${x(t.noisyP99 / t.quietP99)} their p99 without (${t.quietP99.toFixed(1)} ms, over ${t.samples} bets); longest betting phase ${t.longestBettingMs} ms of ${t.bettingMs}`);
  const c = f.crash;
  console.log(`crash table, ${c.players} players betting at once (${c.rounds} rounds): bet p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms = ${x(c.p99 / c.aloneMs)} one bet at a time (${c.aloneMs.toFixed(1)} ms); server CPU ${c.cpuPerBetUs.toFixed(0)} µs per bet; ${c.refused} refused`);
  if (f.client.built) console.log(`client bundle: ${kb(f.client.gzipBytes)} gzip in ${f.client.files} files = ${x(f.client.gzipBytes / f.client.sdkGzipBytes)} the Colyseus SDK alone (${kb(f.client.sdkGzipBytes)} gzip)`);
  else console.log(`client bundle: client not built (${f.client.reason})`);
}

/** Which transport the server is using, from its metrics. */
async function activeTransport(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return /^coffer_transport_info\{transport="([^"]+)"\} 1$/m.exec(text)?.[1] ?? 'unknown';
}

/** The server's own command latency histogram (cumulative bucket counts by upper bound). */
async function commandBuckets(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return new Map([...text.matchAll(/^coffer_command_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

/** Upper bound (ms) of the bucket holding the 99th percentile of what was observed in between. */
function p99Bucket(before: Map<string, number>, after: Map<string, number>): number {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  for (const [le, count] of after) if (count - (before.get(le) ?? 0) >= total * 0.99) return Number(le) * 1000;
  return Infinity;
}

/** Mean batch size and commit time, from the server's own histograms. */
async function pipelineFigures(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);
  const batches = read('coffer_commit_batch_size_count');
  const buckets = [...text.matchAll(/^coffer_commit_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
  const p99 = buckets.find(([, n]) => n >= batches * 0.99)?.[0];
  return (
    `server pipeline: ${batches} batches, mean ${(read('coffer_commit_batch_size_sum') / batches).toFixed(1)} mutations/batch, ` +
    `mean commit ${((read('coffer_commit_seconds_sum') / batches) * 1000).toFixed(2)} ms (p99 <= ${Number(p99) * 1000} ms), ${read('coffer_commit_retries_total')} retried, ` +
    `event loop lag p99 ${(read('nodejs_eventloop_lag_p99_seconds') * 1000).toFixed(1)} ms, ` +
    `major GC ${(read('nodejs_gc_duration_seconds_sum{kind="major"}') * 1000).toFixed(0)} ms in ${read('nodejs_gc_duration_seconds_count{kind="major"}')} runs, ` +
    `heap ${(read('nodejs_heap_size_used_bytes') / 1e6).toFixed(0)} MB`
  );
}

/** Maintenance between phases: vacuum what the last phase wrote (else autovacuum starts in the
 *  middle of the next one, competing for the same two cores) and flush dirty pages. */
async function checkpoint(url: string) {
  const client = pgClient(url);
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE) accounts, players, transfers, outbox, command_results, shop_items');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}


