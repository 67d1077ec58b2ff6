// Runner B: a scenario's roles as concurrent async loops in this Node process, against BASE_URL.
// Same options, same metrics, same thresholds and summary shape as the k6 bundles.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readOptions } from '../scenario/options.ts';
import { CHECKS, COUNTERS, Metric } from '../scenario/runtime.ts';
import { failure, type Scenario, type VuContext } from '../scenario/scenario.ts';
import { signInAdmin, type Session } from '../scenario/session.ts';
import { evaluateThreshold, scenarioThresholds, trendOf, type CheckStats, type LoadSummary, type ThresholdInput, type ThresholdResult } from '../scenario/summary.ts';
import { NodeRuntime } from './runtime.ts';

export type NodeRunOptions = {
  /** Where the JSON summary goes (SUMMARY_FILE in env wins); none when undefined and unset. */
  summaryFile?: string;
  log?: (message: string) => void;
};

export async function runScenario(scenario: Scenario, env: Record<string, string | undefined>, run: NodeRunOptions = {}): Promise<LoadSummary> {
  const rt = new NodeRuntime(env, run.log);
  const options = readOptions((name) => env[name], scenario.defaults);
  let admin: Session | undefined;
  if (options.adminPassword) admin = await signInAdmin(rt, options.baseUrl, options.adminPassword);
  else if (scenario.admin === 'required') throw new Error(`the ${scenario.name} scenario needs ADMIN_PASSWORD (the server's admin password)`);

  const startedAt = new Date();
  const started = rt.now();
  const deadline = started + options.durationMs;
  const vus: Record<string, number> = {};
  const running: Promise<void>[] = [];
  for (const role of scenario.roles) {
    vus[role.name] = role.vus(options);
    for (let vu = 1; vu <= vus[role.name]; vu++) {
      const ctx: VuContext = { rt, options, vu, admin, deadline };
      running.push(role.run(ctx).catch((error: unknown) => failure(ctx, role.name, error)));
    }
  }
  await Promise.all(running);
  const durationMs = rt.now() - started;

  const ackMs = trendOf(rt.trends.get(Metric.ackLatency) ?? []);
  const joinMs = trendOf(rt.trends.get(Metric.joinLatency) ?? []);
  const errors = rt.rates.get(Metric.errors) ?? { failed: 0, total: 0 };
  const errorRate = errors.total === 0 ? 0 : errors.failed / errors.total;
  const counters = Object.fromEntries(COUNTERS.map((metric) => [metric, rt.counts.get(metric) ?? 0]));
  const checks: CheckStats = { passes: 0, fails: 0, byName: Object.fromEntries(rt.checks) };
  for (const c of rt.checks.values()) {
    checks.passes += c.passes;
    checks.fails += c.fails;
  }
  // What each threshold is judged on, as k6 would see it: trends, rates, counters (0 when unused:
  // k6 sees a 0 too, since its runtime adds one to every counter).
  const inputs: Record<string, ThresholdInput> = {
    [Metric.ackLatency]: { trend: ackMs },
    [Metric.joinLatency]: { trend: joinMs },
    [Metric.errors]: { rate: errorRate },
    [CHECKS]: { rate: checks.passes + checks.fails === 0 ? 0 : checks.passes / (checks.passes + checks.fails) },
    ...Object.fromEntries(Object.entries(counters).map(([metric, count]) => [metric, { count }])),
  };
  const thresholds: ThresholdResult[] = Object.entries(scenarioThresholds(scenario, options)).flatMap(([metric, conditions]) =>
    conditions.map((condition) => ({ metric, condition, ok: evaluateThreshold(condition, inputs[metric] ?? {}) })),
  );
  const ackMsByType: LoadSummary['ackMsByType'] = {};
  for (const [key, samples] of rt.trendsByType) {
    const [metric, type] = key.split('\u0000');
    if (metric === Metric.ackLatency) ackMsByType[type] = trendOf(samples);
  }
  const summary: LoadSummary = {
    scenario: scenario.name,
    runner: 'node',
    startedAt: startedAt.toISOString(),
    durationMs,
    vus,
    ackMs,
    ackMsByType,
    joinMs,
    acks: rt.counts.get(Metric.acks) ?? 0,
    refusals: rt.counts.get(Metric.refusals) ?? 0,
    retries: rt.counts.get(Metric.retries) ?? 0,
    rejoins: rt.counts.get(Metric.rejoins) ?? 0,
    errors: { rate: errorRate, failures: errors.failed, total: errors.total },
    counters,
    checks,
    thresholds,
    ok: thresholds.every((t) => t.ok),
  };
  const file = env.SUMMARY_FILE || run.summaryFile;
  if (file) {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(file, JSON.stringify(summary, null, 2) + '\n');
  }
  return summary;
}
