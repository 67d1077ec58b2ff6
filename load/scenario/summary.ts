// One summary shape for both runners: k6's handleSummary builds it from k6's end-of-test data,
// the Node runner from its own samples. Written as JSON per run, printed as a few lines.
import type { Thresholds } from './options.ts';
import { Metric } from './runtime.ts';

export type TrendStats = { count: number; avg: number; p50: number; p95: number; p99: number; max: number };

export type ThresholdResult = { metric: string; condition: string; ok: boolean };

export type LoadSummary = {
  scenario: string;
  runner: 'k6' | 'node';
  startedAt: string;
  durationMs: number;
  /** Virtual users per role. */
  vus: Record<string, number>;
  ackMs: TrendStats;
  /** Per command type (the Node runner only: k6 keeps tagged sub-series only for thresholds). */
  ackMsByType?: Record<string, TrendStats>;
  joinMs: TrendStats;
  acks: number;
  refusals: number;
  /** Retryable nacks sent again with the same id; rooms joined again after a close. */
  retries: number;
  rejoins: number;
  errors: { rate: number; failures: number; total: number };
  thresholds: ThresholdResult[];
  ok: boolean;
};

/** The thresholds as k6 expressions, per metric; the Node runner evaluates the same strings. */
export function thresholdExpressions(t: Thresholds): Record<string, string[]> {
  return {
    [Metric.ackLatency]: [`p(95)<${t.ackP95Ms}`, `p(99)<${t.ackP99Ms}`],
    [Metric.errors]: [`rate<${t.maxErrorRate}`],
  };
}

/** Evaluates `p(N)<X` against a trend and `rate<X` against a rate (what thresholdExpressions writes). */
export function evaluateThreshold(condition: string, trend: TrendStats | undefined, rate: number | undefined): boolean {
  const p = /^p\((\d+)\)<([\d.]+)$/.exec(condition);
  if (p && trend) {
    const value = { '50': trend.p50, '95': trend.p95, '99': trend.p99 }[p[1]];
    // No samples at all is not a pass: a run that sent nothing proved nothing.
    return value !== undefined && trend.count > 0 && value < Number(p[2]);
  }
  const r = /^rate<([\d.]+)$/.exec(condition);
  if (r && rate !== undefined) return rate < Number(r[1]);
  throw new Error(`cannot evaluate threshold ${condition}`);
}

export const emptyTrend = (): TrendStats => ({ count: 0, avg: 0, p50: 0, p95: 0, p99: 0, max: 0 });

/** Stats of raw samples (sorted in place). */
export function trendOf(samples: number[]): TrendStats {
  if (samples.length === 0) return emptyTrend();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  let sum = 0;
  for (const s of samples) sum += s;
  return { count: samples.length, avg: sum / samples.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: samples[samples.length - 1] };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

export function formatSummary(s: LoadSummary): string {
  const seconds = s.durationMs / 1000;
  const lines = [
    `coffer load: scenario ${s.scenario} (runner ${s.runner}), ${Object.entries(s.vus).map(([role, n]) => `${n} ${role}`).join(', ')}, ${seconds.toFixed(1)} s`,
    `  acked ${s.acks} (${(s.acks / Math.max(seconds, 0.001)).toFixed(1)}/s), refused as expected ${s.refusals}, retried ${s.retries}, rejoined ${s.rejoins}, errors ${s.errors.failures} of ${s.errors.total} (${(s.errors.rate * 100).toFixed(2)}%)`,
    `  ack latency: p50 ${ms(s.ackMs.p50)}, p95 ${ms(s.ackMs.p95)}, p99 ${ms(s.ackMs.p99)}, max ${ms(s.ackMs.max)} over ${s.ackMs.count} replies`,
    `  join latency: p50 ${ms(s.joinMs.p50)}, p95 ${ms(s.joinMs.p95)} over ${s.joinMs.count} joins`,
  ];
  for (const [type, t] of Object.entries(s.ackMsByType ?? {}).sort()) lines.push(`    ${type}: ${t.count} replies, p50 ${ms(t.p50)}, p99 ${ms(t.p99)}`);
  for (const t of s.thresholds) lines.push(`  threshold ${t.metric} ${t.condition}: ${t.ok ? 'ok' : 'CROSSED'}`);
  lines.push(s.ok ? '  all thresholds held' : '  some thresholds were crossed');
  return lines.join('\n') + '\n';
}
