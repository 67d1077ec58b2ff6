// `npm run bench [-- --quick] [-- --clients N] [-- --seconds S] [-- --players N]`
// One invocation prints every performance figure the README promises, each next to a baseline
// measured in the same run:
//   durable commands/s over WebSocket ÷ PostgreSQL's one-transaction-per-update rate (pgbench -N,
//     else the same loop in `pg`); ack p50/p99 at half of peak ÷ pgbench's own at half its rate;
//   connected players per process (each in its own room) and RSS per player ÷ the idle process;
//   uWebSockets.js ÷ ws commands/s (TRANSPORT=uws vs ws, same clients, same database);
//   the client bundle's gzip size ÷ the Colyseus SDK's browser bundle.
// Phases: the baseline; N clients sending game.rps (acked only after commit) at full speed, then
// paced at half that rate; the same with a mixed workload; the ws transport at full speed; a
// fresh server filled with players; one account flooding at its limits next to a steady player
// (the noisy neighbour, default limits); the commit pipeline alone; pgbench paced at half its rate.
import { parseArgs } from 'node:util';
import { RoomName } from '../shared/protocol.ts';
import { newId, signInGuest, type Session } from '../tests/support/client.ts';
import { createTestDatabase, pgClient } from '../tests/support/db.ts';
import { migrate, startServer } from '../tests/support/server.ts';
import { percentile, pgbenchLatency, pgLoopBaseline, pgbenchBaseline } from './baseline.ts';
import { clientBundle, type ClientFigure } from './benchClient.ts';
import { connectedPlayers, type PlayersFigure } from './benchPlayers.ts';
import { pipelineOnly } from './pipelineBench.ts';
import { noisyNeighbour, type NoisyFigure } from './benchNoisyNeighbour.ts';
import { ProtocolRoom } from './protocolClient.ts';
import { MIX_LABEL, mixed, rpsOnly, type Pick } from './workloads.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    clients: { type: 'string' },
    seconds: { type: 'string' },
    inflight: { type: 'string', default: '4' },
    players: { type: 'string' },
  },
});
const clients = Number(values.clients ?? (values.quick ? 16 : 64));
const seconds = Number(values.seconds ?? (values.quick ? 2 : 10));
const inflight = Number(values.inflight);
// 10,000 is the README's figure; each player holds a socket on both sides (check `ulimit -n`).
const playerCount = Math.min(10_000, Number(values.players ?? (values.quick ? 300 : 10_000)));

const serverEnv = (databaseUrl: string, transport?: 'ws' | 'uws'): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  RATE_LIMIT_PER_SECOND: '100000',
  LOG_LEVEL: 'error',
  ...(transport ? { TRANSPORT: transport } : {}),
});

const db = await createTestDatabase('coffer_bench');
try {
  await migrate(db.url);
  console.log(`# Coffer bench: ${clients} clients, ${inflight} commands in flight each, ${seconds} s per phase, up to ${playerCount} connected players`);

  const baseline = (await pgbenchBaseline(db.url, seconds)) ?? (await pgLoopBaseline(db.url, seconds));
  console.log(`baseline (${baseline.kind}): ${baseline.tps.toFixed(0)} transactions/s`);
  // Each phase leaves dirty pages and WAL behind; a checkpoint between phases keeps one phase's
  // flush I/O out of the next one's latencies.
  await checkpoint(db.url);

  let sessions: Session[] = [];
  let peak: Phase;
  let half: Phase;
  let transport: string;
  {
    const server = await startServer(serverEnv(db.url));
    try {
      transport = await activeTransport(server.url);
      console.log(`transport: ${transport}`);
      sessions = await Promise.all(Array.from({ length: clients }, () => signInGuest(server.url)));
      await fund(db.url, sessions.map((s) => s.userId), 1_000_000_000);
      const tabs = await Promise.all(sessions.map((s) => ProtocolRoom.join(server.url, s.token, RoomName.player)));

      peak = await closedLoop(tabs, inflight, seconds * 1000, rpsOnly);
      report('peak (closed loop)', peak);
      await checkpoint(db.url);
      const before = await commandBuckets(server.url);
      half = await paced(tabs, peak.perSecond / 2, seconds * 1000, rpsOnly);
      const serverP99 = p99Bucket(before, await commandBuckets(server.url));
      report(`half of peak (${(peak.perSecond / 2).toFixed(0)}/s offered)`, half);
      console.log(`  server side (receive -> reply sent) at half of peak: p99 <= ${serverP99} ms`);
      console.log(await pipelineFigures(server.url));
      await checkpoint(db.url);
      const mixedPeak = await closedLoop(tabs, inflight, seconds * 1000, mixed);
      report(`mixed peak (${MIX_LABEL})`, mixedPeak);
      await checkpoint(db.url);
      const mixedHalf = await paced(tabs, mixedPeak.perSecond / 2, seconds * 1000, mixed);
      report(`mixed at half of peak (${(mixedPeak.perSecond / 2).toFixed(0)}/s offered)`, mixedHalf);
      console.log(`mixed ratio to baseline: ${(mixedPeak.perSecond / baseline.tps).toFixed(2)}x; mixed ack p99 at half of peak: ${mixedHalf.p99.toFixed(1)} ms`);
      for (const tab of tabs) tab.close();
    } finally {
      await server.stop();
    }
  }

  // The same clients and database on the ws transport, to set uWS against.
  let wsPeak: Phase | undefined;
  if (transport === 'uws') {
    await checkpoint(db.url);
    const server = await startServer(serverEnv(db.url, 'ws'));
    try {
      const tabs = await Promise.all(sessions.map((s) => ProtocolRoom.join(server.url, s.token, RoomName.player)));
      wsPeak = await closedLoop(tabs, inflight, seconds * 1000, rpsOnly);
      report('peak on the ws transport (closed loop)', wsPeak);
      for (const tab of tabs) tab.close();
    } finally {
      await server.stop();
    }
  }

  // A fresh process, so its memory holds nothing but the players under test.
  let players: PlayersFigure;
  {
    const server = await startServer(serverEnv(db.url));
    try {
      players = await connectedPlayers(server, playerCount);
      console.log(`players: ${players.connected} of ${players.target} joined in ${players.joinSeconds.toFixed(1)} s, ${players.live} answered a command`);
    } finally {
      await server.stop();
    }
  }

  await checkpoint(db.url);
  const noisy = await noisyNeighbour(db.url, seconds, (userIds, amount) => fund(db.url, userIds, amount));
  console.log(
    `noisy neighbour: ${noisy.floodSockets} sockets of one account sent ${noisy.floodSent} (${noisy.floodAcked} acked, ${noisy.floodLimited} RATE_LIMITED); ` +
      `another player's ack p50 ${noisy.quietP50.toFixed(1)} -> ${noisy.noisyP50.toFixed(1)} ms, p99 ${noisy.quietP99.toFixed(1)} -> ${noisy.noisyP99.toFixed(1)} ms`,
  );

  await checkpoint(db.url);
  const ceiling = await pipelineOnly(db.url, clients * inflight, seconds);
  console.log(`pipeline alone (no WebSocket, ${clients * inflight} writers): ${ceiling.toFixed(0)} mutations/s, ${(ceiling / baseline.tps).toFixed(2)}x baseline`);
  await checkpoint(db.url);
  const dbTail = await pgbenchLatency(db.url, baseline.tps / 2, seconds);
  if (dbTail) console.log(`baseline latency at half its rate (pgbench -N -R ${(baseline.tps / 2).toFixed(0)}): p50 ${dbTail.p50.toFixed(1)} ms, p99 ${dbTail.p99.toFixed(1)} ms`);
  const client = await clientBundle(values.quick ? 30_000 : 120_000);

  printFigures({ baselineTps: baseline.tps, baselineKind: baseline.kind, peak: peak!, half: half!, dbTail, players: players!, transport, wsPeak, client, noisy });
} finally {
  await db.drop();
}

type Figures = {
  baselineTps: number;
  baselineKind: string;
  peak: Phase;
  half: Phase;
  dbTail: { p50: number; p99: number } | null;
  players: PlayersFigure;
  transport: string;
  wsPeak: Phase | undefined;
  client: ClientFigure;
  noisy: NoisyFigure;
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

/** The README's figures, one line each, every one with its ratio to a baseline of this run. */
function printFigures(f: Figures) {
  console.log('');
  console.log('== figures (each against a baseline measured in this run) ==');
  console.log(`durable commands/s over WebSocket: ${f.peak.perSecond.toFixed(0)}/s = ${x(f.peak.perSecond / f.baselineTps)} baseline (${f.baselineKind}: ${f.baselineTps.toFixed(0)} tx/s; bar 2x, goal 5x)`);
  const tail = f.dbTail ? `${x(f.half.p50 / f.dbTail.p50)} / ${x(f.half.p99 / f.dbTail.p99)} pgbench -N at half its rate (p50 ${f.dbTail.p50.toFixed(1)} ms, p99 ${f.dbTail.p99.toFixed(1)} ms)` : 'n/a (no pgbench for a latency baseline)';
  console.log(`ack latency at half of peak: p50 ${f.half.p50.toFixed(1)} ms, p99 ${f.half.p99.toFixed(1)} ms (bar 50 ms, goal 25 ms) = ${tail}`);
  const p = f.players;
  console.log(`connected players per process: ${p.connected} of ${p.target} (${p.live} live), RSS ${mb(p.idleRssBytes)} idle -> ${mb(p.rssBytes)} = ${x(p.rssBytes / p.idleRssBytes)} idle; ${kb(p.perPlayerBytes)} per player`);
  if (f.wsPeak) console.log(`uWS / ws commands/s: ${f.peak.perSecond.toFixed(0)} / ${f.wsPeak.perSecond.toFixed(0)} = ${x(f.peak.perSecond / f.wsPeak.perSecond)}`);
  else console.log(`uWS / ws commands/s: n/a (uWebSockets.js not in use: transport ${f.transport})`);
  console.log(`noisy neighbour: another player's ack p99 ${f.noisy.noisyP99.toFixed(1)} ms with one account flooding at its limits = ${x(f.noisy.noisyP99 / f.noisy.quietP99)} its p99 without (${f.noisy.quietP99.toFixed(1)} ms; bar 2x)`);
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

type Phase = { commands: number; errors: number; perSecond: number; p50: number; p99: number };

function report(name: string, p: Phase) {
  console.log(`${name}: ${p.perSecond.toFixed(0)} commands/s, ack p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, ${p.commands} acked, ${p.errors} nacked`);
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

/** Gives each bench player gold straight in the ledger (a mint transfer) before their rooms load. */
async function fund(url: string, userIds: string[], amount: number) {
  const client = pgClient(url);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`INSERT INTO accounts (id, kind, balance) SELECT unnest($1::text[]), 'player', $2`, [userIds, amount]);
    await client.query(`INSERT INTO transfers (from_account, to_account, amount, reason) SELECT 'mint', unnest($1::text[]), $2, 'bench.fund'`, [userIds, amount]);
    await client.query(`UPDATE accounts SET balance = balance - $1 WHERE id = 'mint'`, [amount * userIds.length]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

async function one(tab: ProtocolRoom, latencies: number[], pick: Pick): Promise<boolean> {
  const started = performance.now();
  const [type, fields] = pick();
  const reply = await tab.send(type, newId(), fields);
  latencies.push(performance.now() - started);
  return 'ack' in reply;
}

function summarize(latencies: number[], errors: number, ms: number): Phase {
  latencies.sort((a, b) => a - b);
  return { commands: latencies.length - errors, errors, perSecond: ((latencies.length - errors) * 1000) / ms, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function closedLoop(tabs: ProtocolRoom[], perClient: number, ms: number, pick: Pick): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    tabs.flatMap((tab) =>
      Array.from({ length: perClient }, async () => {
        while (performance.now() < end) if (!(await one(tab, latencies, pick))) errors++;
      }),
    ),
  );
  return summarize(latencies, errors, performance.now() - started);
}

async function paced(tabs: ProtocolRoom[], rate: number, ms: number, pick: Pick): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.floor((rate * ms) / 1000);
  for (let i = 0; i < total; i++) {
    // Open loop: command i is due at i / rate seconds, whatever happened to the earlier ones.
    const due = started + (i * 1000) / rate;
    const delay = due - performance.now();
    if (delay > 1) await new Promise((r) => setTimeout(r, delay));
    pending.push(one(tabs[i % tabs.length], latencies, pick).then((ok) => void (ok || errors++)));
  }
  await Promise.all(pending);
  return summarize(latencies, errors, performance.now() - started);
}

