// The browser client's download size: every .js and .css file under client/dist, gzipped one by
// one (as a browser fetches them), next to the Colyseus SDK's own browser bundle gzipped the same
// way (the baseline: what a client costs that only speaks the protocol). Builds the client first
// when it is not built and package.json has a `build:client` script.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../tests/support/server.ts';

export type ClientFigure = { built: true; files: number; gzipBytes: number; sdkGzipBytes: number } | { built: false; reason: string };

async function gzippedSize(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(m?js|css)$/.test(entry.name)) continue;
    files += 1;
    bytes += gzipSync(await readFile(path.join(entry.parentPath, entry.name)), { level: 9 }).byteLength;
  }
  return { files, bytes };
}

export async function clientBundle(timeoutMs: number): Promise<ClientFigure> {
  const dist = path.join(ROOT, 'client/dist');
  if (!existsSync(dist)) {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    if (!pkg.scripts?.['build:client']) return { built: false, reason: 'no client/dist and no build:client script' };
    try {
      await promisify(execFile)('npm', ['run', '--silent', 'build:client'], { cwd: ROOT, timeout: timeoutMs });
    } catch (error) {
      return { built: false, reason: `npm run build:client failed: ${(error as Error).message.split('\n')[0]}` };
    }
    if (!existsSync(dist)) return { built: false, reason: 'npm run build:client wrote no client/dist' };
  }
  const client = await gzippedSize(dist);
  if (client.files === 0) return { built: false, reason: 'client/dist holds no .js or .css file' };
  const sdk = gzipSync(await readFile(path.join(ROOT, 'node_modules/@colyseus/sdk/dist/colyseus.js')), { level: 9 }).byteLength;
  return { built: true, files: client.files, gzipBytes: client.bytes, sdkGzipBytes: sdk };
}
