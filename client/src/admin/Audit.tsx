// admin.audit: the ledger's invariants, checked by the server on demand, per currency.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { AuditResult } from '../../../shared/adminCommands.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';

export function Audit({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const audit = useSignal<AuditResult | null>(null);
  const a = audit.value;
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Ledger audit</h2>
      <button type="button" disabled={busy.value} onClick={async () => (audit.value = (await run(AdminCommandType.audit)) ?? null)}>
        Run audit
      </button>
      <ErrorLine message={error.value} />
      {a ? (
        <p role="status" data-testid="audit-result">
          {a.ok ? '✔ Ledger balanced' : '✘ Ledger NOT balanced'}: {a.accounts} accounts
          {Object.entries(a.currencies)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([currency, c]) => `; ${currency}: sum of balances ${c.sumOfBalances}, minted ${c.minted}, burned ${c.burned}, circulating ${c.circulating}`)}
          {a.mismatches.length ? `; ${a.mismatches.length} mismatched balances (${a.mismatches.map((m) => `${m.account} in ${m.currency}`).join(', ')})` : ''}
          {a.misfiled.length ? `; ${a.misfiled.length} misfiled balances` : ''}
          {a.negativePlayers.length ? `; negative players: ${a.negativePlayers.join(', ')}` : ''}.
        </p>
      ) : null}
    </section>
  );
}
