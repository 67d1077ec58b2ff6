// admin.grant: credit (positive) or debit (negative) a player's balance in one currency, with a reason.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { GOLD } from '../../../shared/economy.ts';
import { amountOf, CurrencyPicker, useCurrencyChoice } from '../games/BetInput.tsx';
import { economy } from '../state/economy.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function GrantForm({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const userId = useSignal('');
  const amount = useSignal('');
  const reason = useSignal('');
  const currency = useCurrencyChoice(Object.keys(economy.value?.economy.currencies ?? { [GOLD]: null }));
  const note = useSignal('');
  return (
    <form
      class="card"
      aria-labelledby="grant-title"
      onSubmit={async (e) => {
        e.preventDefault();
        const granted = currency.current;
        const r = await run(AdminCommandType.grant, { userId: userId.value.trim(), amount: amountOf(amount.value), reason: reason.value, currency: granted });
        if (r) note.value = `Done: ${userId.value.trim()} now has ${r.balance} ${granted}.`;
      }}
    >
      <h2 id="grant-title">Grant or debit</h2>
      <Field id="grant-user" label="Player id" value={userId} />
      <CurrencyPicker id="grant-currency" label="Currency" choice={currency} />
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
