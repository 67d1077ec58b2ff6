// Double-entry rules (INV-5, docs/ARCHITECTURE.md): gold moves only as transfers between two accounts with a
// positive whole amount; player accounts never go below zero. System accounts may go negative.

export const SystemAccount = {
  mint: 'mint',
  house: 'house',
  shop: 'shop',
  bounty: 'bounty',
  escrow: 'escrow',
} as const;
export type SystemAccount = (typeof SystemAccount)[keyof typeof SystemAccount];

export type Transfer = {
  from: string;
  to: string;
  amount: number;
  reason: string;
  ref: string | null;
  commandId: string | null;
};

export function transfer(from: string, to: string, amount: number, reason: string, ref: string | null, commandId: string | null): Transfer {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`transfer amount must be a positive safe integer, got ${amount}`);
  if (from === to) throw new RangeError(`transfer from ${from} to itself`);
  return { from, to, amount, reason, ref, commandId };
}

/** Net change of `account` over `transfers`. */
export function netDelta(account: string, transfers: readonly Transfer[]): number {
  let delta = 0;
  for (const t of transfers) {
    if (t.to === account) delta += t.amount;
    if (t.from === account) delta -= t.amount;
  }
  return delta;
}
