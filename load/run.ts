// `npm run load -- <scenario> [--runner auto|k6|docker|node]`, `npm run load -- --help`.
// Runs one load scenario against BASE_URL (default http://localhost:2567), options from the
// environment (load/README.md). Runner `auto` picks, in order: a local `k6` on PATH, the pinned
// grafana/k6 image through a reachable Docker engine, or stops and says what to install. A local
// k6 must be v0.54 or later (`k6 version` is asked first). `node` runs the same scenario in this
// process (runner B). A JSON summary lands in load/results/ (and is said to, only when it did).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dockerClient, engineReachable } from '../tests/support/docker.ts';
import { buildLoadScripts, DEFAULT_OUT_DIR } from './build.ts';
import { K6_IMAGE, runK6InDocker } from './k6Docker.ts';
import { runScenario } from './node/runScenario.ts';
import { isScenarioName, scenarios, type ScenarioName } from './scenario/index.ts';
import { formatSummary } from './scenario/summary.ts';

const LOAD_DIR = import.meta.dirname;
const RESULTS_DIR = path.join(LOAD_DIR, 'results');
/** k6's own exit code when thresholds were crossed; the Node runner uses it too. */
const THRESHOLDS_CROSSED = 99;

/** The oldest k6 the bundles run on (load/README.md: v0.49 rejects their `??`, older ones their binary WebSockets). */
const MIN_K6 = [0, 54, 0] as const;

const USAGE = `usage: npm run load -- <scenario> [--runner auto|k6|docker|node]
       npm run load -- --help

runners:
  auto    (default) k6 on PATH (v${MIN_K6.join('.')} or later), else ${K6_IMAGE} through Docker, else say what to install
  k6      k6 on PATH
  docker  ${K6_IMAGE} through the Docker engine (DOCKER_HOST or the default socket)
  node    the same scenario in this Node process

scenarios:
${Object.values(scenarios).map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join('\n')}

options come from the environment (BASE_URL, VUS, DURATION, ADMIN_PASSWORD, ...): see load/README.md.
exit codes: 0 all thresholds held; 99 a threshold was crossed; 2 bad usage or no runner; others are k6's.
`;

function commandLine() {
  try {
    return parseArgs({ allowPositionals: true, options: { runner: { type: 'string', default: 'auto' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    // An unknown option: say which, then how to call this.
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
}
const { values, positionals } = commandLine();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const [given] = positionals;
if (!given || !isScenarioName(given)) {
  console.error(`${given ? `unknown scenario ${given}\n\n` : ''}${USAGE}`);
  process.exit(2);
}
const name: ScenarioName = given;
const runner = values.runner;
if (!['auto', 'k6', 'docker', 'node'].includes(runner)) {
  console.error(`--runner must be auto, k6, docker or node, got ${runner}`);
  process.exit(2);
}

await mkdir(RESULTS_DIR, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const log = (m: string) => console.error(`load: ${m}`);

/** `k6 version`'s answer: undefined when no k6 runs; the version when its output names one. */
function localK6(): { version: number[] | undefined; text: string } | undefined {
  const answer = spawnSync('k6', ['version'], { encoding: 'utf8' });
  if (answer.error || answer.status !== 0) return undefined;
  const text = `${answer.stdout}${answer.stderr}`.trim();
  // `k6 v0.54.0 (go1.23.1, linux/amd64)`, `k6 v1.0.0 (commit/..., go1.24.2, linux/amd64)`
  const match = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return { version: match ? match.slice(1, 4).map(Number) : undefined, text };
}

function olderThan(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) if (version[i] !== min[i]) return version[i] < min[i];
  return false;
}

/** Says where the summary went, or that there is none (k6 failed before its handleSummary). */
function reportSummary(file: string): void {
  const shown = path.relative(process.cwd(), file);
  if (existsSync(file)) log(`summary written to ${shown}`);
  else log(`no summary was written (expected at ${shown}): the run ended before k6 produced one; see k6's output above`);
}

async function main(): Promise<number> {
  if (runner === 'node') {
    const summaryFile = path.join(RESULTS_DIR, `${name}-node-${stamp}.json`);
    const summary = await runScenario(scenarios[name], process.env, { summaryFile, log });
    process.stdout.write(formatSummary(summary));
    reportSummary(process.env.SUMMARY_FILE || summaryFile);
    return summary.ok ? 0 : THRESHOLDS_CROSSED;
  }

  const k6 = runner === 'k6' || runner === 'auto' ? localK6() : undefined;
  if (k6 && (!k6.version || olderThan(k6.version, MIN_K6))) {
    console.error(
      [
        `The k6 on PATH answers \`k6 version\` with "${k6.text.split('\n')[0]}"; this load kit needs k6 v${MIN_K6.join('.')} or later`,
        '(older k6 cannot load the bundles: v0.49 rejects `??`, and before that binary WebSockets are refused). Either:',
        '  - upgrade k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), then run this again;',
        `  - run it in Docker with the pinned ${K6_IMAGE}: npm run load -- ${name} --runner docker`,
        `  - run the same scenario in Node: npm run load -- ${name} --runner node`,
      ].join('\n'),
    );
    return 2;
  }
  if (runner === 'k6' && !k6) {
    console.error(`k6 is not on PATH (\`k6 version\` did not run). Install k6 v${MIN_K6.join('.')} or later, or use --runner docker or --runner node.`);
    return 2;
  }
  const useK6 = k6 !== undefined;
  const docker = useK6 ? undefined : dockerClient();
  if (!useK6 && !(await engineReachable(docker!))) {
    if (runner === 'docker') log('no Docker engine answers (DOCKER_HOST or the default socket).');
    console.error(
      [
        runner === 'docker' ? 'Cannot run k6 in Docker.' : 'k6 is not on PATH and no Docker engine answers.',
        'To run this scenario, do one of:',
        `  - install k6 v${MIN_K6.join('.')} or later (https://grafana.com/docs/k6/latest/set-up/install-k6/: the k6 apt or rpm repository, \`brew install k6\`, \`winget install k6\`, or a release binary), then run this again;`,
        `  - start Docker (or set DOCKER_HOST); this then runs the ${K6_IMAGE} image with host networking;`,
        `  - run the same scenario in Node, no install needed: npm run load -- ${name} --runner node`,
      ].join('\n'),
    );
    return 2;
  }

  await buildLoadScripts({ outDir: DEFAULT_OUT_DIR });
  const summaryName = `${name}-k6-${stamp}.json`;
  if (useK6) {
    const child = spawn('k6', ['run', path.join(DEFAULT_OUT_DIR, `${name}.js`)], {
      stdio: 'inherit',
      env: { ...process.env, SUMMARY_FILE: path.join(RESULTS_DIR, summaryName) },
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    reportSummary(path.join(RESULTS_DIR, summaryName));
    return code ?? 1;
  }
  log(`running k6 in Docker (${K6_IMAGE}, host network)`);
  const code = await runK6InDocker(docker!, { loadDir: LOAD_DIR, resultsDir: RESULTS_DIR, scenario: name, summaryName, env: process.env, stdout: process.stdout, stderr: process.stderr, log });
  reportSummary(path.join(RESULTS_DIR, summaryName));
  return code;
}

process.exit(await main());
