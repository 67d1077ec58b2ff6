// Embedded mode keeps its database in DATA_DIR, and PGlite does not lock it: a second Coffer on
// the same directory (another `npm start` with another PORT) opened the same files and both wrote
// to them. The directory is held through a lock file naming the holder's pid, created
// exclusively; a file left by a process that is gone (killed, or the machine restarted) is taken
// over.
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export class DataDirInUse extends Error {}

export const LOCK_FILE = 'coffer.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user (so it is alive).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `dataDir` for this process; resolves with the release. Throws DataDirInUse if a live process holds it. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A lock that cannot be read (removed meanwhile, or garbled) names no live holder.
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new DataDirInUse(`DATA_DIR ${dataDir} is in use by another Coffer (pid ${holder}); stop it, or give this one another DATA_DIR`);
    }
    // The holder is gone: its lock goes, and the next attempt creates ours.
    await rm(file, { force: true });
  }
  throw new DataDirInUse(`DATA_DIR ${dataDir} could not be locked (${file} keeps coming back); is another Coffer starting on it?`);
}
