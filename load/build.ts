// `npm run build:load`: one k6 script per scenario in load/dist/ (`k6 run load/dist/players.js`).
// esbuild bundles the scenario, the k6 runtime and msgpackr into plain ES modules; only `k6` and
// `k6/...` imports stay, k6 provides them. The protocol constants come from shared/, whose
// command files also build zod schemas at load time: the bundles never validate anything, so
// `zod` is replaced by an inert stand-in instead of shipping a validator into k6.
import { build, type Plugin } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { scenarios, type ScenarioName } from './scenario/index.ts';

const LOAD_DIR = import.meta.dirname;
export const DEFAULT_OUT_DIR = path.join(LOAD_DIR, 'dist');

const inertZod: Plugin = {
  name: 'inert-zod',
  setup(b) {
    b.onResolve({ filter: /^zod(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'inert-zod' }));
    b.onLoad({ filter: /.*/, namespace: 'inert-zod' }, () => ({
      loader: 'js',
      // Any property, call or construction gives the same inert value back.
      contents: 'const inert = new Proxy(function () {}, { get: (_t, key) => (key === Symbol.toPrimitive ? undefined : inert), apply: () => inert, construct: () => inert });\nexport const z = inert;\nexport default inert;\n',
    }));
  },
};

/** The entry of one scenario's script: its options, setup, summary and one export per role. */
function entrySource(name: ScenarioName): string {
  const roles = scenarios[name].roles.map((role) => role.name);
  return [
    `import { k6Scenario } from './entry.ts';`,
    `import { scenarios } from '../scenario/index.ts';`,
    `const scenario = k6Scenario(scenarios[${JSON.stringify(name)}]);`,
    `export const options = scenario.options;`,
    `export const setup = scenario.setup;`,
    `export const handleSummary = scenario.handleSummary;`,
    ...roles.map((role) => `export const ${role} = scenario.role(${JSON.stringify(role)});`),
  ].join('\n');
}

export type BuildOptions = {
  outDir?: string;
  /** `esm` for k6; `cjs` only for the test that runs a bundle in a sandbox with stand-in k6 modules. */
  format?: 'esm' | 'cjs';
};

/** Builds every scenario; returns the written files. */
export async function buildLoadScripts(opts: BuildOptions = {}): Promise<string[]> {
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  for (const name of Object.keys(scenarios) as ScenarioName[]) {
    const outfile = path.join(outDir, `${name}.js`);
    await build({
      stdin: { contents: entrySource(name), resolveDir: path.join(LOAD_DIR, 'k6'), sourcefile: `${name}.k6.ts`, loader: 'ts' },
      bundle: true,
      outfile,
      format: opts.format ?? 'esm',
      // k6's JavaScript VM (Sobek, formerly goja) runs ES2020 and later only in part; class
      // fields and private methods are lowered.
      target: 'es2020',
      platform: 'browser',
      mainFields: ['browser', 'module', 'main'],
      conditions: ['browser'],
      external: ['k6', 'k6/*'],
      plugins: [inertZod],
      legalComments: 'none',
      logLevel: 'warning',
      banner: { js: `// Coffer load scenario "${name}" for k6, built by \`npm run build:load\` from load/. Do not edit.` },
    });
    files.push(outfile);
  }
  return files;
}

if (import.meta.main) {
  const files = await buildLoadScripts();
  for (const file of files) console.log(`built ${path.relative(process.cwd(), file)}`);
}
