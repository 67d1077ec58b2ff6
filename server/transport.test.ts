// Transport choice: uWebSockets.js when it loads; auto falls back to ws with one warning that names
// the reason, what is lost and how to get uWS; TRANSPORT=uws fails hard. (uWS does load on this machine, so the failure is injected.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTransport } from './transport.ts';

function recorder() {
  const warnings: Array<{ obj: unknown; msg: string }> = [];
  return { warnings, logger: { warn: (obj: unknown, msg: string) => void warnings.push({ obj, msg }), error: () => undefined } as never };
}
const broken = () => Promise.reject(new Error('/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38\' not found\nmore detail'));

test('auto falls back to ws with one warning naming the reason', async () => {
  const { warnings, logger } = recorder();
  const choice = await createTransport('auto', 4096, logger, () => undefined, broken);
  assert.equal(choice.name, 'ws');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].msg, /GLIBC_2\.38/);
  assert.doesNotMatch(warnings[0].msg, /more detail/, 'one line');
  // What the user loses, and how to get uWS back.
  assert.match(warnings[0].msg, /you lose the throughput and the memory per socket of uWS/);
  assert.match(warnings[0].msg, /glibc 2\.38.*Debian 13.*node:24-trixie-slim.*\.ci\/provision/);
  choice.transport.shutdown();
});

test('uws fails hard when uWebSockets.js does not load', async () => {
  const { logger } = recorder();
  await assert.rejects(createTransport('uws', 4096, logger, () => undefined, broken), /TRANSPORT=uws but uWebSockets\.js does not load: .*GLIBC_2\.38/);
});

test('auto with the real module: uws without a warning, or ws with exactly one', async () => {
  const { warnings, logger } = recorder();
  const choice = await createTransport('auto', 4096, logger, () => undefined);
  assert.equal(warnings.length, choice.name === 'uws' ? 0 : 1);
  // CI provisions a runtime where uWS loads and says so (COFFER_EXPECT_TRANSPORT=uws).
  if (process.env.COFFER_EXPECT_TRANSPORT) assert.equal(choice.name, process.env.COFFER_EXPECT_TRANSPORT);
  choice.transport.shutdown();
});
