// `npm run verify -- '<proof json>' <revealed server seed> ['<claimed outcome json>']`
// Recomputes a game outcome from its proof and the server seed that fair.rotate revealed, with the
// same function the browser uses (shared/fair.ts). Exits 0 when it verifies, 1 when it does not.
import type { Proof } from '../../shared/fair.ts';
import { verifyProof } from '../games/verify.ts';

const [proofJson, seed, claimedJson] = process.argv.slice(2);
if (!proofJson || !seed) {
  console.error("usage: npm run verify -- '<proof json>' <revealed server seed> ['<claimed outcome json, e.g. {\"serverHand\":\"rock\"}>']");
  process.exit(2);
}
let proof: Proof;
let claimed: Record<string, unknown> | undefined;
try {
  proof = JSON.parse(proofJson);
  claimed = claimedJson ? JSON.parse(claimedJson) : undefined;
} catch (error) {
  console.error(`verify: the proof or the claimed outcome is not JSON: ${(error as Error).message}`);
  process.exit(2);
}
const verdict = verifyProof(proof, seed, claimed);
console.log(JSON.stringify(verdict));
process.exit(verdict.ok ? 0 : 1);
