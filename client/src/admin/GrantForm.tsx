// admin.grant: credit (positive) or debit (negative) a player's gold, with a reason.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { amountOf } from '../games/BetInput.tsx';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function GrantForm({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const userId = useSignal('');
  const amount = useSignal('');
  const reason = useSignal('');
  const note = useSignal('');
  return (
    <form
      class="card"
      aria-labelledby="grant-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(AdminCommandType.grant, { userId: userId.value.trim(), amount: amountOf(amount.value), reason: reason.value });
        if (r) note.value = `Done: ${userId.value.trim()} now has ${r.balance} gold.`;
      }}
    >
      <h2 id="grant-title">Grant or debit gold</h2>
      <Field id="grant-user" label="Player id" value={userId} />
      <Field id="grant-amount" label="Amount (negative debits)" value={amount} />
      <Field id="grant-reason" label="Reason" value={reason} />
      <button type="submit" disabled={busy.value}>
        Apply
      </button>
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
    </form>
  );
}
