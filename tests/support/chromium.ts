// The browser tests drive Debian's Chromium (browser.ts). A fresh machine does not have it, and no
// browser build can be downloaded here (only Debian's and npm's registries answer), so `npm test`
// installs Debian's package itself when it runs as root with apt-get, and otherwise stops with one
// sentence saying what to install.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Missing or not executable: the caller installs or explains.
    return false;
  }
}

/** Debian's package, unless CHROMIUM_PATH names another binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium(path: string, log: (line: string) => void = (line) => console.error(line)): void {
  if (executable(path)) return;
  const canInstall = process.getuid?.() === 0 && path === '/usr/bin/chromium' && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) {
    throw new Error(`the browser tests need Chromium at ${path} (CHROMIUM_PATH): install Debian's \`chromium\` package (apt-get install chromium), or point CHROMIUM_PATH at a Chromium or Chrome binary`);
  }
  log('test prerequisites: installing Debian\'s chromium package for the browser tests (apt-get; once per machine)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (run.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${run.status}); install Chromium by hand or set CHROMIUM_PATH`);
  }
  if (!executable(path)) throw new Error(`apt-get installed chromium, but ${path} is still missing`);
}
