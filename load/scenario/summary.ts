// One summary shape for both runners: k6's handleSummary builds it from k6's end-of-test data,
// the Node runner from its own samples. Written as JSON per run, printed as a few lines.
import type { ScenarioOptions } from './options.ts';
import { Metric } from './runtime.ts';
import type { Scenario } from './scenario.ts';

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
  /** Every counter by metric name (the four above, setup errors, and the scenario's own). */
  counters: Record<string, number>;
  /** check() outcomes (k6's `checks`): one per command reply, sign-in, join, and board bounty. */
  checks: CheckStats;
  thresholds: ThresholdResult[];
  ok: boolean;
};

export type CheckStats = { passes: number; fails: number; byName: Record<string, { passes: number; fails: number }> };

/**
 * A run's thresholds as k6 expressions, per metric; the Node runner evaluates the same strings.
 * Every scenario: latency and error rate, at least MIN_ACKS acknowledged commands (default one
 * per VU: a run that did no work fails), no setup errors (sign-in, join). Then the scenario's own.
 */
export function scenarioThresholds(scenario: Scenario, options: ScenarioOptions): Record<string, string[]> {
  const t = options.thresholds;
  const vus = scenario.roles.reduce((sum, role) => sum + role.vus(options), 0);
  return {
    [Metric.ackLatency]: [`p(95)<${t.ackP95Ms}`, `p(99)<${t.ackP99Ms}`],
    [Metric.errors]: [`rate<${t.maxErrorRate}`],
    [Metric.acks]: [`count>=${t.minAcks ?? vus}`],
    [Metric.setupErrors]: ['count<1'],
    ...scenario.thresholds,
  };
}

/** What a threshold is judged on: a trend's statistics, a rate, or a counter's count. */
export type ThresholdInput = { trend?: TrendStats; rate?: number; count?: number };

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

/** Evaluates a k6 threshold expression (`p(95)<250`, `rate<0.01`, `count>=10`, `count<1`, ...) as k6 does. */
export function evaluateThreshold(condition: string, input: ThresholdInput): boolean {
  const match = /^(p\((\d+)\)|avg|med|max|rate|count)\s*(<=|>=|==|<|>)\s*(-?[\d.]+)$/.exec(condition);
  if (!match) throw new Error(`cannot evaluate threshold ${condition}`);
  const [, aggregate, percentile, op, bound] = match;
  let value: number | undefined;
  if (aggregate === 'rate') value = input.rate;
  else if (aggregate === 'count') value = input.count;
  else if (input.trend) {
    // No samples at all is not a pass: a run that sent nothing proved nothing.
    if (input.trend.count === 0) return false;
    const stats: Record<string, number | undefined> = { avg: input.trend.avg, med: input.trend.p50, max: input.trend.max, 'p(50)': input.trend.p50, 'p(95)': input.trend.p95, 'p(99)': input.trend.p99 };
    value = stats[percentile === undefined ? aggregate : `p(${percentile})`];
  }
  if (value === undefined) throw new Error(`cannot evaluate threshold ${condition}: no such figure`);
  return COMPARE[op](value, Number(bound));
}

export const emptyChecks = (): CheckStats => ({ passes: 0, fails: 0, byName: {} });

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
    `  checks: ${s.checks.passes} passed, ${s.checks.fails} failed${s.checks.passes + s.checks.fails === 0 ? ' (none ran)' : ''}`,
  ];
  for (const [name, c] of Object.entries(s.checks.byName).sort()) if (c.fails > 0) lines.push(`    check "${name}": ${c.fails} of ${c.passes + c.fails} failed`);
  for (const [metric, value] of Object.entries(s.counters)) {
    if (![Metric.acks, Metric.refusals, Metric.retries, Metric.rejoins].includes(metric as never)) lines.push(`  ${metric}: ${value}`);
  }
  for (const [type, t] of Object.entries(s.ackMsByType ?? {}).sort()) lines.push(`    ${type}: ${t.count} replies, p50 ${ms(t.p50)}, p99 ${ms(t.p99)}`);
  for (const t of s.thresholds) lines.push(`  threshold ${t.metric} ${t.condition}: ${t.ok ? 'ok' : 'CROSSED'}`);
  lines.push(s.ok ? '  all thresholds held' : '  some thresholds were crossed');
  return lines.join('\n') + '\n';
}
