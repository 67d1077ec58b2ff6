// Bundles the browser client with esbuild: client/src/main.tsx -> client/dist/assets/app.js (+ app.css),
// and copies client/src/index.html to client/dist/. The server serves client/dist at `/`
// (server/http/clientRoutes.ts).
//
//   node client/build.ts               build once (minified), print the sizes
//   node client/build.ts --watch       rebuild on every change (not minified, with source maps)
//   node client/build.ts --if-missing  build only when client/dist/index.html is absent (npm start)
//   node client/build.ts --libraries   size of the libraries alone, without our code (BENCHMARKS.md)
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export const CLIENT_DIR = import.meta.dirname;
export const DIST_DIR = path.join(CLIENT_DIR, 'dist');

/**
 * Bytes and gzip bytes (level 9). `firstLoad` is what a player's first page load fetches: app.css,
 * app.js and the chunks it imports statically. `all` adds the chunks loaded on demand.
 * `firstLoadSources` are the files bundled into the first load, as esbuild names them (relative to the working directory).
 */
export type BuildReport = { firstLoadBytes: number; firstLoadGzipBytes: number; allBytes: number; allGzipBytes: number; files: number; firstLoadSources: string[] };

/** How any bundle is made: the client's, and the libraries-only one it is compared with. */
function bundling(dev: boolean): esbuild.BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: !dev,
    sourcemap: dev,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
  };
}

function options(dev: boolean): esbuild.BuildOptions {
  return {
    ...bundling(dev),
    entryPoints: { app: path.join(CLIENT_DIR, 'src/main.tsx') },
    outdir: path.join(DIST_DIR, 'assets'),
    // Screens loaded on demand (client/src/screens/Lazy.tsx) become chunks: players download less.
    splitting: true,
    chunkNames: 'chunk-[hash]',
  };
}

async function copyHtml(): Promise<void> {
  await mkdir(DIST_DIR, { recursive: true });
  await copyFile(path.join(CLIENT_DIR, 'src/index.html'), path.join(DIST_DIR, 'index.html'));
}

async function sizes(metafile: esbuild.Metafile): Promise<BuildReport> {
  const outputs = metafile.outputs;
  // The app's own entry: a game screen loaded by name (client/src/games/screens.ts) has an entryPoint too.
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint?.endsWith('src/main.tsx'))!;
  const firstLoad = new Set<string>();
  const visit = (file: string) => {
    if (firstLoad.has(file)) return;
    firstLoad.add(file);
    const cssBundle = outputs[file].cssBundle;
    if (cssBundle) firstLoad.add(cssBundle);
    for (const imported of outputs[file].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  const sources = new Set([...firstLoad].flatMap((file) => Object.keys(outputs[file].inputs)));
  const report: BuildReport = { firstLoadBytes: 0, firstLoadGzipBytes: 0, allBytes: 0, allGzipBytes: 0, files: 0, firstLoadSources: [...sources].sort() };
  for (const file of Object.keys(outputs).filter((f) => !f.endsWith('.map'))) {
    const bytes = await readFile(file);
    const gzip = gzipSync(bytes, { level: 9 }).length;
    report.files += 1;
    report.allBytes += bytes.length;
    report.allGzipBytes += gzip;
    if (firstLoad.has(file)) {
      report.firstLoadBytes += bytes.length;
      report.firstLoadGzipBytes += gzip;
    }
  }
  return report;
}

/** One minified production build. */
export async function buildClient(): Promise<BuildReport> {
  // Start clean: chunk names carry a hash, and stale chunks would count in the sizes.
  await rm(DIST_DIR, { recursive: true, force: true });
  const result = await esbuild.build({ ...options(false), metafile: true });
  await copyHtml();
  return sizes(result.metafile);
}

export async function clientIsBuilt(): Promise<boolean> {
  return stat(path.join(DIST_DIR, 'index.html')).then(
    () => true,
    () => false,
  );
}

/**
 * The same build of an entry that only imports the libraries the client stands on (no app code):
 * the floor under the first-load size, reported in BENCHMARKS.md.
 */
export async function measureLibraries(): Promise<{ bytes: number; gzipBytes: number }> {
  const contents = [
    "import { Client } from '@colyseus/sdk';",
    "import { render, h } from 'preact';",
    "import { jsx } from 'preact/jsx-runtime';",
    "import { useEffect, useMemo } from 'preact/hooks';",
    "import { signal, computed, useSignal, useSignalEffect } from '@preact/signals';",
    "import { PlayerState, BoardState, CrashState, AdminState } from '../shared/state.ts';",
    'export const keep = [Client, render, h, jsx, useEffect, useMemo, signal, computed, useSignal, useSignalEffect, PlayerState, BoardState, CrashState, AdminState];',
  ].join('\n');
  const result = await esbuild.build({ ...bundling(false), stdin: { contents, resolveDir: CLIENT_DIR, loader: 'ts' }, write: false });
  const bytes = result.outputFiles[0].contents;
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

async function watch(): Promise<void> {
  await copyHtml();
  const context = await esbuild.context({
    ...options(true),
    plugins: [{ name: 'copy-html', setup: (build) => build.onEnd(() => copyHtml()) }],
  });
  await context.watch();
  console.log('watching client/src; reload the page after a change');
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args.includes('--watch')) {
    await watch();
  } else if (args.includes('--libraries')) {
    const r = await measureLibraries();
    console.log(`the libraries alone (no app code): ${kb(r.bytes)}, ${kb(r.gzipBytes)} gzip`);
  } else if (args.includes('--if-missing') && (await clientIsBuilt())) {
    console.log('client/dist exists; not rebuilding (npm run build:client to rebuild)');
  } else {
    const r = await buildClient();
    console.log(`client built into client/dist: first load (app.js, app.css and the chunks app.js imports) ${kb(r.firstLoadBytes)}, ${kb(r.firstLoadGzipBytes)} gzip; all ${r.files} files ${kb(r.allBytes)}, ${kb(r.allGzipBytes)} gzip`);
  }
}
