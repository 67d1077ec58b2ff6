// Turns a Scenario into what a k6 script exports: `options` (one k6 scenario per role, each VU
// running one long iteration until the deadline, and the thresholds), `setup` (the admin
// sign-in), one function per role, and `handleSummary` (the run's JSON summary, and on stdout
// k6's own end-of-test summary followed by ours).
import http from 'k6/http';
import { readOptions } from '../scenario/options.ts';
import { COUNTERS, Metric } from '../scenario/runtime.ts';
import { failure, type Scenario, type VuContext } from '../scenario/scenario.ts';
import type { Session } from '../scenario/session.ts';
import { emptyTrend, formatSummary, scenarioThresholds, type CheckStats, type LoadSummary, type ThresholdResult, type TrendStats } from '../scenario/summary.ts';
import { k6Runtime, touchCounters } from './runtime.ts';
import { allChecks, textSummary, type K6Metric, type K6SummaryData } from './textSummary.ts';

type SetupData = { admin: Session | undefined; startedAt: number };

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'];

function trendFrom(metric: K6Metric | undefined): TrendStats {
  if (!metric) return emptyTrend();
  const v = metric.values;
  return { count: v.count ?? 0, avg: v.avg ?? 0, p50: v.med ?? 0, p95: v['p(95)'] ?? 0, p99: v['p(99)'] ?? 0, max: v.max ?? 0 };
}

export function k6Scenario(scenario: Scenario) {
  const options = readOptions((name) => __ENV[name], scenario.defaults);
  const vus = Object.fromEntries(scenario.roles.map((role) => [role.name, role.vus(options)]));
  const thresholdExpressions = scenarioThresholds(scenario, options);
  // Each VU's single iteration ends at the deadline; maxDuration leaves room to wind down.
  const maxDuration = `${Math.ceil(options.durationMs / 1000) + 60}s`;

  const k6Options = {
    scenarios: Object.fromEntries(
      scenario.roles.map((role) => [role.name, { executor: 'per-vu-iterations', vus: vus[role.name], iterations: 1, maxDuration, exec: role.name }]),
    ),
    thresholds: thresholdExpressions,
    summaryTrendStats: TREND_STATS,
    setupTimeout: '60s',
  };

  function setup(): SetupData {
    touchCounters();
    let admin: Session | undefined;
    if (options.adminPassword) {
      const res = http.post(`${options.baseUrl}/auth/admin`, JSON.stringify({ password: options.adminPassword }), { headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) throw new Error(`admin sign-in at ${options.baseUrl} answered ${res.status}: check ADMIN_PASSWORD`);
      const body = JSON.parse(String(res.body)) as Session;
      admin = { token: body.token, userId: body.userId };
    } else if (scenario.admin === 'required') {
      throw new Error(`the ${scenario.name} scenario needs ADMIN_PASSWORD (the server's admin password)`);
    }
    return { admin, startedAt: Date.now() };
  }

  function role(name: string): (data: SetupData) => Promise<void> {
    const found = scenario.roles.find((r) => r.name === name);
    if (!found) throw new Error(`scenario ${scenario.name} has no role ${name}`);
    return async (data) => {
      touchCounters();
      const ctx: VuContext = { rt: k6Runtime, options, vu: __VU, admin: data.admin, deadline: data.startedAt + options.durationMs };
      try {
        await found.run(ctx);
      } catch (error) {
        failure(ctx, name, error);
      }
    };
  }

  function handleSummary(data: K6SummaryData): Record<string, string> {
    const thresholds: ThresholdResult[] = Object.entries(thresholdExpressions).flatMap(([metric, conditions]) =>
      conditions.map((condition) => ({ metric, condition, ok: data.metrics[metric]?.thresholds?.[condition]?.ok ?? false })),
    );
    const errors = data.metrics[Metric.errors]?.values ?? {};
    const failures = errors.passes ?? 0; // a Rate's "passes" are the samples that were true (failed)
    const total = failures + (errors.fails ?? 0);
    const counters = Object.fromEntries(COUNTERS.map((metric) => [metric, data.metrics[metric]?.values.count ?? 0]));
    const checks: CheckStats = { passes: 0, fails: 0, byName: {} };
    for (const c of allChecks(data.root_group)) {
      checks.passes += c.passes;
      checks.fails += c.fails;
      checks.byName[c.name] = { passes: c.passes, fails: c.fails };
    }
    const summary: LoadSummary = {
      scenario: scenario.name,
      runner: 'k6',
      startedAt: new Date(Date.now() - (data.state?.testRunDurationMs ?? 0)).toISOString(),
      durationMs: data.state?.testRunDurationMs ?? 0,
      vus,
      ackMs: trendFrom(data.metrics[Metric.ackLatency]),
      joinMs: trendFrom(data.metrics[Metric.joinLatency]),
      acks: data.metrics[Metric.acks]?.values.count ?? 0,
      refusals: data.metrics[Metric.refusals]?.values.count ?? 0,
      retries: data.metrics[Metric.retries]?.values.count ?? 0,
      rejoins: data.metrics[Metric.rejoins]?.values.count ?? 0,
      errors: { rate: errors.rate ?? 0, failures, total },
      counters,
      checks,
      thresholds,
      ok: thresholds.every((t) => t.ok),
    };
    // One file per run unless SUMMARY_FILE names one.
    const file = __ENV.SUMMARY_FILE || `coffer-${scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    return { stdout: `${textSummary(data)}\n${formatSummary(summary)}`, [file]: JSON.stringify(summary, null, 2) + '\n' };
  }

  return { options: k6Options, setup, role, handleSummary };
}
