// k6's own end-of-test summary, rendered from the data k6 hands to handleSummary. A script that
// exports handleSummary replaces k6's printer, and the textSummary helper k6 documents for that
// case is a remote module (jslib.k6.io) a run without network could not load; so the bundle
// carries this rendering of the same data: the checks, then every metric k6 recorded (its own
// http_req_*, ws_*, iterations, data_*, checks, and ours), with a ✓/✗ on those with thresholds.

/** The slice of k6's summary data this reads (https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/). */
export type K6Metric = {
  type?: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
};
export type K6Check = { name: string; passes: number; fails: number };
export type K6Group = { name?: string; checks?: K6Check[]; groups?: K6Group[] };
export type K6SummaryData = {
  metrics: Record<string, K6Metric | undefined>;
  root_group?: K6Group;
  options?: { summaryTrendStats?: string[] };
  state?: { testRunDurationMs?: number };
};

/** Every check of the run, groups included, in k6's order. */
export function allChecks(group: K6Group | undefined): K6Check[] {
  if (!group) return [];
  return [...(group.checks ?? []), ...(group.groups ?? []).flatMap(allChecks)];
}

function duration(ms: number): string {
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
}

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

function figure(metric: K6Metric, value: number): string {
  if (metric.contains === 'time') return duration(value);
  if (metric.contains === 'data') return bytes(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function metricText(metric: K6Metric, trendStats: string[]): string {
  const v = metric.values;
  const type = metric.type ?? (v.rate !== undefined && v.passes !== undefined ? 'rate' : v.count !== undefined && v.avg === undefined ? 'counter' : v.avg !== undefined ? 'trend' : 'gauge');
  switch (type) {
    case 'trend':
      return trendStats.filter((stat) => v[stat] !== undefined).map((stat) => `${stat}=${figure(metric, v[stat])}`).join(' ');
    case 'counter':
      return `${figure(metric, v.count ?? 0)}${v.rate !== undefined ? `  ${metric.contains === 'data' ? `${bytes(v.rate)}` : v.rate.toFixed(2)}/s` : ''}`;
    case 'rate':
      return `${((v.rate ?? 0) * 100).toFixed(2)}%  ✓ ${v.passes ?? 0}  ✗ ${v.fails ?? 0}`;
    default:
      return `${figure(metric, v.value ?? 0)}  min=${figure(metric, v.min ?? 0)} max=${figure(metric, v.max ?? 0)}`;
  }
}

export function textSummary(data: K6SummaryData): string {
  const lines: string[] = [];
  const checks = allChecks(data.root_group);
  for (const c of checks) {
    if (c.fails === 0) lines.push(`     ✓ ${c.name}`);
    else lines.push(`     ✗ ${c.name}`, `      ↳  ${Math.floor((100 * c.passes) / (c.passes + c.fails))}% — ✓ ${c.passes} / ✗ ${c.fails}`);
  }
  if (checks.length > 0) lines.push('');
  const trendStats = data.options?.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(30, ...names.map((n) => n.length + 3));
  for (const name of names) {
    const metric = data.metrics[name];
    if (!metric) continue;
    const judged = Object.values(metric.thresholds ?? {});
    const mark = judged.length === 0 ? ' ' : judged.every((t) => t.ok) ? '✓' : '✗';
    lines.push(`   ${mark} ${name}${'.'.repeat(width - name.length)}: ${metricText(metric, trendStats)}`);
    for (const [condition, result] of Object.entries(metric.thresholds ?? {})) if (!result.ok) lines.push(`       ✗ threshold ${condition} crossed`);
  }
  return lines.join('\n') + '\n';
}
