// `npm run load -- <scenario> [--runner auto|k6|docker|node]`
// Runs one load scenario against BASE_URL (default http://localhost:2567), options from the
// environment (load/README.md). Runner `auto` picks, in order: a local `k6` on PATH, the pinned
// grafana/k6 image through a reachable Docker engine, or stops and says what to install. `node`
// runs the same scenario in this process (runner B). A JSON summary lands in load/results/.
import { spawn, spawnSync } from 'node:child_process';
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

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runner: { type: 'string', default: 'auto' } } });
const [given] = positionals;
if (!given || !isScenarioName(given)) {
  console.error(`usage: npm run load -- <scenario> [--runner auto|k6|docker|node]\nscenarios:\n${Object.values(scenarios).map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join('\n')}`);
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

function localK6(): boolean {
  return spawnSync('k6', ['version'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<number> {
  if (runner === 'node') {
    const summaryFile = path.join(RESULTS_DIR, `${name}-node-${stamp}.json`);
    const summary = await runScenario(scenarios[name], process.env, { summaryFile, log });
    process.stdout.write(formatSummary(summary));
    log(`summary written to ${path.relative(process.cwd(), summaryFile)}`);
    return summary.ok ? 0 : THRESHOLDS_CROSSED;
  }

  const useK6 = runner === 'k6' || (runner === 'auto' && localK6());
  const docker = useK6 ? undefined : dockerClient();
  if (!useK6 && !(await engineReachable(docker!))) {
    if (runner === 'docker') log('no Docker engine answers (DOCKER_HOST or the default socket).');
    console.error(
      [
        runner === 'docker' ? 'Cannot run k6 in Docker.' : 'k6 is not on PATH and no Docker engine answers.',
        'To run this scenario, do one of:',
        '  - install k6 v0.49 or later (https://grafana.com/docs/k6/latest/set-up/install-k6/: the k6 apt or rpm repository, `brew install k6`, `winget install k6`, or a release binary), then run this again;',
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
    log(`summary written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, summaryName))}`);
    return code ?? 1;
  }
  log(`running k6 in Docker (${K6_IMAGE}, host network)`);
  const code = await runK6InDocker(docker!, { loadDir: LOAD_DIR, resultsDir: RESULTS_DIR, scenario: name, summaryName, env: process.env, stdout: process.stdout, stderr: process.stderr, log });
  log(`summary written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, summaryName))}`);
  return code;
}

process.exit(await main());
