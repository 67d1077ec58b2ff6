// No import cycles in the server, the games or the protocol. The case that started this test:
// replies.ts, which every room and writer imports, imports none of them back: it once imported the
// shutdown refusal from the cross-room calls (playerRooms.ts), which reach it again through
// roomCalls.ts. Type-only imports count: a cycle of types still ties the files' order of reading
// and of change together, and the next value import along it makes a run-time cycle.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

const here = path.dirname(new URL(import.meta.url).pathname);

/** The relative imports and re-exports of `file`. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+\.ts)'/gms)].map((m) => path.resolve(path.dirname(file), m[1]!));
}

/** A cycle through `start`, as the files along it, or undefined. */
async function cycleThrough(start: string): Promise<string[] | undefined> {
  const seen = new Set<string>();
  const walk = async (file: string, trail: string[]): Promise<string[] | undefined> => {
    for (const next of await importsOf(file)) {
      if (next === start) return [...trail, next];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = await walk(next, [...trail, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}

test('replies.ts imports nothing that imports it back', async () => {
  const cycle = await cycleThrough(path.join(here, 'replies.ts'));
  assert.equal(cycle, undefined, cycle?.map((f) => path.relative(here, f)).join(' -> '));
});

test('no file of the server, the games or the protocol imports itself back through others', async () => {
  const root = path.resolve(here, '../..');
  const { glob } = await import('node:fs/promises');
  const cycles: string[] = [];
  for await (const file of glob(['server/**/*.ts', 'shared/**/*.ts'], { cwd: root })) {
    if (file.endsWith('.test.ts')) continue;
    const cycle = await cycleThrough(path.join(root, file));
    if (cycle) cycles.push(cycle.map((f) => path.relative(root, f)).join(' -> '));
  }
  assert.deepEqual(cycles, []);
});
