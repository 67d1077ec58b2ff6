// Game results this tab received, with their proofs, for the proof viewer. A result can be
// checked once its server seed is revealed (fair.rotate).
import { signal } from '@preact/signals';
import type { Proof } from '../../../shared/fair.ts';

export type ProvedResult = { key: string; summary: string; proof: Proof; claimed: Record<string, unknown> };

export const provedResults = signal<ProvedResult[]>([]);

export function rememberResult(summary: string, proof: Proof | null, claimed: Record<string, unknown>): void {
  if (!proof) return;
  const key = `${proof.serverSeedHash.slice(0, 12)}-${proof.nonce}`;
  provedResults.value = [{ key, summary, proof, claimed }, ...provedResults.value.filter((r) => r.key !== key)].slice(0, 50);
}
