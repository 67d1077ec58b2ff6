// `npm run verify -- [--server <url> | --economy <file>] '<proof json>' <revealed server seed> ['<claimed outcome json>']`
// Recomputes a game outcome from its proof, the server seed that fair.rotate revealed and the game
// params of the economy version the proof names, with the same function the browser uses
// (server/games/verify.ts). That version comes from `GET <server>/economy/<version>` (the server
// at `--server`, default http://localhost:2567), or from `--economy`, a file holding what that
// route served (`{ version, publishedAt, economy }`), for checking offline. Exits 0 when the proof
// verifies, 1 when it does not, 2 when it could not be checked (bad arguments, no such version).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Proof } from '../../shared/fair.ts';
import { economyOfProof, verifyProof, type EconomyVersion } from '../games/verify.ts';

const USAGE = "usage: npm run verify -- [--server <url> | --economy <file>] '<proof json>' <revealed server seed> ['<claimed outcome json, e.g. {\"serverHand\":\"rock\"}>']";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const args = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { server: { type: 'string', default: 'http://localhost:2567' }, economy: { type: 'string' } } });
  } catch (error) {
    fail(`verify: ${(error as Error).message}\n${USAGE}`);
  }
})();
const [proofJson, seed, claimedJson] = args.positionals;
if (!proofJson || !seed) fail(USAGE);
let proof: Proof;
let claimed: Record<string, unknown> | undefined;
try {
  proof = JSON.parse(proofJson);
  claimed = claimedJson ? JSON.parse(claimedJson) : undefined;
} catch (error) {
  fail(`verify: the proof or the claimed outcome is not JSON: ${(error as Error).message}`);
}

/** The economy version as a file or the server serves it. */
async function fetchVersion(version: number): Promise<EconomyVersion> {
  if (args.values.economy) {
    try {
      return JSON.parse(readFileSync(args.values.economy, 'utf8')) as EconomyVersion;
    } catch (error) {
      fail(`verify: could not read the economy version from ${args.values.economy}: ${(error as Error).message}`);
    }
  }
  const url = new URL(`/economy/${version}`, args.values.server);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    fail(`verify: could not fetch ${url}: ${(error as Error).message} (name the server with --server <url>, or give the version's document with --economy <file>)`);
  }
  if (!response.ok) fail(`verify: ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as EconomyVersion;
}

const verdict = verifyProof(proof, seed, await economyOfProof(proof, fetchVersion), claimed);
console.log(JSON.stringify(verdict));
process.exit(verdict.ok ? 0 : 1);
