// Two processes sharing a matchmaker without PUBLIC_ADDRESS send clients to seats they cannot reach
// (docs/OPERATIONS.md, PUBLIC_ADDRESS): the server says so once, naming the variable. With each
// process' own PUBLIC_ADDRESS, nothing is said. (server/jobs/publicAddressWatch.ts)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { clusterFixture } from './support/cluster.ts';
import type { RunningServer } from './support/server.ts';

const WARNING = 'PUBLIC_ADDRESS is unset while other processes share this matchmaker';

/** Resolves once `server` has written `text`, or rejects after `ms` with what it wrote. */
async function outputShows(server: RunningServer, text: string, ms: number): Promise<void> {
  const deadline = AbortSignal.timeout(ms);
  while (!server.output().includes(text)) {
    if (deadline.aborted) throw new Error(`no "${text}" within ${ms} ms:\n${server.output().slice(-2000)}`);
    await Promise.race([once(server.proc.stdout!, 'data'), once(deadline, 'abort')]);
  }
}

describe('two processes without PUBLIC_ADDRESS', () => {
  const fx = clusterFixture('coffer_public_address_unset', 2, { PUBLIC_ADDRESS: '' });

  test('each process, once it finds the other live, warns once, naming PUBLIC_ADDRESS', async () => {
    // A process is listed in the matchmaker once its presence has written its stats, so the first
    // check of either one may still see it alone; the watch looks again every 5 s.
    for (const server of fx.servers) {
      await outputShows(server, WARNING, 30_000);
      assert.equal(server.output().split(WARNING).length - 1, 1, 'said once');
    }
  });
});

describe('two processes, each with its PUBLIC_ADDRESS', () => {
  const fx = clusterFixture('coffer_public_address_set', 2);

  test('no warning: a seat names the address of its process', async () => {
    const seen = await fetch(`${fx.servers[0].url}/health/ready`);
    assert.equal(seen.status, 200);
    for (const server of fx.servers) assert.ok(!server.output().includes(WARNING), server.output().slice(-2000));
  });
});
