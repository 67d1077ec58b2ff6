// Provably fair: reveal the server seed (fair.rotate) and recompute results in the browser with
// the same verifyProof the server's CLI uses (server/games/verify.ts), under the game params of the
// economy version each proof names (`GET /economy/<version>`).
import { useSignal } from '@preact/signals';
import { CommandType } from '../../../shared/commandNames.ts';
import type { Proof } from '../../../shared/fair.ts';
import type { RoomLink } from '../net/roomLink.ts';
import { provedResults } from '../state/provedResults.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { useCommand } from './useCommand.ts';

// The games' own outcome functions (server/games/verify.ts, with @noble/hashes) load on the first
// check: most sessions never verify.
async function verdictText(proof: Proof, seed: string, claimed?: Record<string, unknown>): Promise<string> {
  const { economyOfProof, verifyProof } = await import('../../../server/games/verify.ts');
  let economy: Awaited<ReturnType<typeof economyOfProof>>;
  try {
    economy = await economyOfProof(proof, economyVersion);
  } catch (e) {
    return `✘ Not checked: ${(e as Error).message}.`;
  }
  const v = verifyProof(proof, seed.trim(), economy, claimed);
  return `${v.ok ? '✔ Verified' : '✘ Not verified'}: ${v.reason}.`;
}

/** The economy version a proof was decided under, as the server publishes it. */
async function economyVersion(version: number) {
  const response = await fetch(`/economy/${version}`);
  if (!response.ok) throw new Error(`economy version ${version} could not be read (${response.status})`);
  return response.json();
}

export function ProofViewer({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const { busy, error, run } = useCommand(player);
  const clientSeed = useSignal('');
  const seed = useSignal('');
  const verdicts = useSignal<Record<string, string>>({});
  const manualProof = useSignal('');
  const manualClaim = useSignal('');
  const manualVerdict = useSignal('');
  const fair = player.state.value?.fair;

  async function checkManual() {
    try {
      const proof = JSON.parse(manualProof.value) as Proof;
      const claimed = manualClaim.value.trim() ? (JSON.parse(manualClaim.value) as Record<string, unknown>) : undefined;
      manualVerdict.value = await verdictText(proof, seed.value, claimed);
    } catch (e) {
      manualVerdict.value = `✘ The proof or the claimed result is not valid JSON: ${(e as Error).message}`;
    }
  }

  return (
    <section class="card" aria-labelledby="proof-title">
      <h2 id="proof-title">Provably fair</h2>
      <p class="mono">
        Server seed hash in use: <span data-testid="seed-hash">{fair?.serverSeedHash || '…'}</span>
        <br />
        Client seed: {fair?.clientSeed || '…'}, next nonce: {fair?.nonce ?? '…'}
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await run(CommandType.fairRotate, { clientSeed: clientSeed.value });
          if (r) seed.value = r.revealedServerSeed;
        }}
      >
        <label for="client-seed">New client seed (reveals the current server seed)</label>
        <input id="client-seed" value={clientSeed.value} onInput={(e) => (clientSeed.value = e.currentTarget.value)} />
        <button type="submit" disabled={busy.value}>
          Reveal and rotate
        </button>
      </form>
      <ErrorLine message={error.value} />
      <label for="revealed-seed">Revealed server seed</label>
      <input id="revealed-seed" class="mono" value={seed.value} onInput={(e) => (seed.value = e.currentTarget.value)} />
      <h3>Your recent results</h3>
      {provedResults.value.length === 0 ? <p>Play a game to get a proof.</p> : null}
      <ul class="proofs">
        {provedResults.value.map((r) => (
          <li key={r.key}>
            {r.summary} (nonce {r.proof.nonce}){' '}
            <button type="button" disabled={!seed.value.trim()} aria-label={`Verify ${r.summary}`} onClick={async () => (verdicts.value = { ...verdicts.value, [r.key]: await verdictText(r.proof, seed.value, r.claimed) })}>
              Verify
            </button>
            {verdicts.value[r.key] ? <span role="status" data-testid="proof-verdict"> {verdicts.value[r.key]}</span> : null}
          </li>
        ))}
      </ul>
      <h3>Check any proof</h3>
      <label for="manual-proof">Proof (JSON)</label>
      <textarea id="manual-proof" rows={3} class="mono" value={manualProof.value} onInput={(e) => (manualProof.value = e.currentTarget.value)} />
      <label for="manual-claim">Claimed result (JSON, optional), e.g. {'{"serverHand":"rock"}'}</label>
      <textarea id="manual-claim" rows={2} class="mono" value={manualClaim.value} onInput={(e) => (manualClaim.value = e.currentTarget.value)} />
      <button type="button" onClick={checkManual}>
        Verify proof
      </button>
      {manualVerdict.value ? <p role="status">{manualVerdict.value}</p> : null}
    </section>
  );
}
