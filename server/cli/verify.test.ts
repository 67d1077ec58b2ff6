// `npm run verify` as a user runs it: the proof's economy version fetched from a server's
// `GET /economy/<version>` ({ version, publishedAt, economy }) or read from a saved file, the
// outcome recomputed under that version's params; exit 0 verified, 1 not, 2 not checkable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { PublishedEconomy } from '../../shared/economy.ts';
import { defaultVersion, savedVersion, under, versionWith } from '../../tests/support/gameEconomy.ts';
import { freshFairness } from '../domain/fairness.ts';
import { playGame } from '../games/play.ts';
import { slot } from '../games/slot.ts';

const run = promisify(execFile);
const CLI = path.join(import.meta.dirname, 'verify.ts');
const SEED = 'cli-server-seed';

/** Version 2 reverses the slot's strip, so the same seeds stop on other symbols. */
const v2 = versionWith(slot, 2, (p) => ({ ...p, reel: [...p.reel].reverse() }));

function spin(version: PublishedEconomy, nonce: number) {
  const player = { userId: 'u-cli', displayName: 'cli', wallet: { gold: 100 }, xp: 0, level: 1, stats: {}, inventory: {}, purchases: {}, streakDay: 0, lastClaimDay: null, seq: 0, fair: { ...freshFairness(SEED, 'cli'), nonce } };
  return playGame(slot, player, { id: 'cmd-cli-0001', bet: 1, currency: 'gold' }, 0, under(slot, version)).result;
}

/** A spin under version 2 whose reels differ from what version 1 gives at the same nonce. */
function spinWhereVersionsDiffer() {
  for (let nonce = 0; ; nonce++) {
    const [one, two] = [spin(defaultVersion, nonce), spin(v2, nonce)];
    if (JSON.stringify(one.reels) !== JSON.stringify(two.reels)) return two;
  }
}

async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('npm run verify', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];

  before(async () => {
    const versions = new Map([defaultVersion, v2].map((v) => [`/economy/${v.version}`, { version: v.version, publishedAt: v.publishedAt, economy: v.economy }]));
    server = createServer((request, response) => {
      asked.push(request.url ?? '');
      const body = versions.get(request.url ?? '');
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { code: 'NOT_FOUND', message: `no economy version at ${request.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('fetches the version the proof names from --server and recomputes under its params', async () => {
    const result = spinWhereVersionsDiffer();
    assert.equal(result.proof.economyVersion, 2);
    const ok = await verify('--server', url, JSON.stringify(result.proof), SEED, JSON.stringify({ reels: result.reels }));
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { ok: true, reason: 'the outcome follows from the seeds', outcome: { reels: result.reels } });
    assert.equal(asked.at(-1), '/economy/2');
    const wrong = await verify('--server', url, JSON.stringify(result.proof), SEED, JSON.stringify({ reels: spin(defaultVersion, result.proof.nonce).reels }));
    assert.equal(wrong.code, 1);
  });

  test('--economy reads a saved version; a proof of another version is not verified, naming both', async () => {
    const result = spinWhereVersionsDiffer();
    const two = await verify('--economy', await savedVersion(v2), JSON.stringify(result.proof), SEED, JSON.stringify({ reels: result.reels }));
    assert.equal(two.code, 0, two.stderr);
    const one = await verify('--economy', await savedVersion(defaultVersion), JSON.stringify(result.proof), SEED, JSON.stringify({ reels: result.reels }));
    assert.equal(one.code, 1);
    assert.match(JSON.parse(one.stdout).reason, /decided under economy version 2, and these are the tables of version 1/);
  });

  test('a version the server does not have, or no server, cannot be checked (exit 2, saying why)', async () => {
    const result = spin(defaultVersion, 0);
    const missing = await verify('--server', url, JSON.stringify({ ...result.proof, economyVersion: 9 }), SEED);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /\/economy\/9 answered 404/);
    const closed = await verify('--server', 'http://127.0.0.1:9', JSON.stringify(result.proof), SEED);
    assert.equal(closed.code, 2);
    assert.match(closed.stderr, /could not fetch http:\/\/127\.0\.0\.1:9\/economy\/1: .*--economy <file>/);
  });

  test('a proof from before economy versions is checked under the built-in default, fetching nothing', async () => {
    const { economyVersion: _, ...old } = spin(defaultVersion, 3).proof;
    const before = asked.length;
    const ok = await verify('--server', 'http://127.0.0.1:9', JSON.stringify(old), SEED, JSON.stringify({ reels: spin(defaultVersion, 3).reels }));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(asked.length, before);
  });

  test('bad arguments are refused with the usage (exit 2)', async () => {
    for (const args of [[], ['{}'], ['--nope', '{}', 'seed'], ['not json', 'seed']]) {
      const refused = await verify(...args);
      assert.equal(refused.code, 2, args.join(' '));
      assert.match(refused.stderr, /usage: npm run verify|not JSON/);
    }
  });
});
