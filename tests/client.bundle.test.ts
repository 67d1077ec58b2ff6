// The player's first page load stays small: within 70 KB gzip, without zod, the admin's tools or the
// economy editor's libraries (each loads as its own chunk when its screen is first shown).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClient } from '../client/build.ts';

test('the first load is at most 70 KB gzip and holds no zod, no admin screen and no editor library', async () => {
  const report = await buildClient();
  assert.ok(report.firstLoadGzipBytes <= 70 * 1024, `first load ${report.firstLoadGzipBytes} bytes gzip`);
  const sources = report.firstLoadSources;
  assert.ok(sources.some((s) => s.endsWith('client/src/main.tsx')), 'the report lists the first load’s sources');
  for (const unwanted of ['node_modules/zod/', 'node_modules/jsonc-parser/', 'node_modules/microdiff/', 'client/src/admin/']) {
    assert.deepEqual(sources.filter((s) => s.includes(unwanted)), [], unwanted);
  }
});
