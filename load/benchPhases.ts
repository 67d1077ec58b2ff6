// The bench's load phases: N protocol clients sending commands closed loop (each keeps a fixed
// number in flight) or paced open loop, and what one phase measured. Each phase also reports the
// server's CPU time per acked command (process CPU from its /metrics, over every process under
// test, divided by the acks): far steadier than commands/s on a shared machine.
import { newId } from '../tests/support/client.ts';
import { percentile } from './baseline.ts';
import type { ProtocolRoom } from './protocolClient.ts';
import type { Pick } from './workloads.ts';

/** `cpuPerAck`: server CPU seconds (user + system, all processes under test) ÷ acks, in µs. */
export type Phase = { commands: number; errors: number; perSecond: number; p50: number; p99: number; cpuPerAckUs: number };

export function report(name: string, p: Phase) {
  console.log(`${name}: ${p.perSecond.toFixed(0)} commands/s, ack p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, ${p.commands} acked, ${p.errors} nacked, server CPU ${p.cpuPerAckUs.toFixed(0)} µs/ack`);
}

/** CPU seconds a server process has used, from prom-client's default process metrics. */
export async function serverCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = /^process_cpu_seconds_total ([\d.e+-]+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error(`${url}/metrics has no process_cpu_seconds_total`);
  return Number(value);
}

async function totalCpu(urls: string[]): Promise<number> {
  return (await Promise.all(urls.map(serverCpuSeconds))).reduce((a, b) => a + b, 0);
}

async function withCpu(urls: string[], run: () => Promise<Omit<Phase, 'cpuPerAckUs'>>): Promise<Phase> {
  const before = await totalCpu(urls);
  const phase = await run();
  const cpu = (await totalCpu(urls)) - before;
  return { ...phase, cpuPerAckUs: (cpu * 1e6) / Math.max(1, phase.commands) };
}

/** Each client keeps `perClient` commands in flight for `ms`; `servers` are the processes measured. */
export function closedLoop(servers: string[], tabs: ProtocolRoom[], perClient: number, ms: number, pick: Pick): Promise<Phase> {
  return withCpu(servers, () => closedLoopOnly(tabs, perClient, ms, pick));
}

/** Open loop at `rate` commands/s over all clients for `ms`. */
export function paced(servers: string[], tabs: ProtocolRoom[], rate: number, ms: number, pick: Pick): Promise<Phase> {
  return withCpu(servers, () => pacedOnly(tabs, rate, ms, pick));
}

async function one(tab: ProtocolRoom, latencies: number[], pick: Pick): Promise<boolean> {
  const started = performance.now();
  const [type, fields] = pick();
  const reply = await tab.send(type, newId(), fields);
  latencies.push(performance.now() - started);
  return 'ack' in reply;
}

function summarize(latencies: number[], errors: number, ms: number): Omit<Phase, 'cpuPerAckUs'> {
  latencies.sort((a, b) => a - b);
  return { commands: latencies.length - errors, errors, perSecond: ((latencies.length - errors) * 1000) / ms, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function closedLoopOnly(tabs: ProtocolRoom[], perClient: number, ms: number, pick: Pick): Promise<Omit<Phase, 'cpuPerAckUs'>> {
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

async function pacedOnly(tabs: ProtocolRoom[], rate: number, ms: number, pick: Pick): Promise<Omit<Phase, 'cpuPerAckUs'>> {
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

