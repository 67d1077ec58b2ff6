// The crash table: bet while betting is open, cash out while the multiplier climbs. Round proofs
// in the history are checked in the browser with verifyCrashRound.
import { useSignal } from '@preact/signals';
import { CrashCommandType } from '../../../shared/commandNames.ts';
import type { RoomLink } from '../net/roomLink.ts';
import type { CrashSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { amountOf, BetInput, CurrencyPicker, useCurrencyChoice } from './BetInput.tsx';
import { crashCurrencies } from './currencies.ts';
import { CrashGraph } from './CrashGraph.tsx';

const PHASE_TEXT = { betting: 'Betting is open', running: 'Running: cash out before it crashes', crashed: 'Crashed' } as const;

export function Crash({ crash, userId }: { crash: RoomLink<CrashSnapshot>; userId: string }) {
  const { busy, error, run } = useCommand(crash);
  const amount = useSignal('10');
  const note = useSignal('');
  const checked = useSignal<Record<number, string>>({});
  const currency = useCurrencyChoice(crashCurrencies());
  const s = crash.state.value;
  const myBet = s?.bets[userId];

  return (
    <section class="card" aria-labelledby="crash-title">
      <h2 id="crash-title">Crash</h2>
      <p data-testid="crash-phase">
        Round {s?.roundId ?? '…'}: {s ? PHASE_TEXT[s.phase] : 'connecting'}
      </p>
      <CrashGraph crash={crash} />
      {/* The table escrows the stake and pays the cash-out in the bet's currency. */}
      <CurrencyPicker id="crash-currency" label="Crash currency" choice={currency} />
      <BetInput id="crash-amount" label={`Crash bet (${currency.current})`} value={amount} />
      <div class="row">
        <button
          type="button"
          disabled={busy.value || s?.phase !== 'betting' || myBet !== undefined}
          onClick={async () => {
            const r = await run(CrashCommandType.bet, { amount: amountOf(amount.value), currency: currency.current });
            if (r) note.value = `Bet ${r.amount} ${r.currency} on round ${r.roundId}.`;
          }}
        >
          Place bet
        </button>
        <button
          type="button"
          disabled={busy.value || s?.phase !== 'running' || !myBet || myBet.cashedOutAt > 0}
          onClick={async () => {
            const r = await run(CrashCommandType.cashout);
            if (r) note.value = `Cashed out at ${r.multiplier.toFixed(2)}x: ${r.payout} ${r.currency}.`;
          }}
        >
          Cash out
        </button>
      </div>
      {myBet ? <p>Your bet this round: {myBet.amount} {myBet.currency}{myBet.cashedOutAt > 0 ? `, cashed out at ${myBet.cashedOutAt.toFixed(2)}x for ${myBet.payout}` : ''}.</p> : null}
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
      <h3>Recent rounds</h3>
      <ul class="history">
        {[...(s?.history ?? [])].reverse().slice(0, 8).map((h) => (
          <li key={h.roundId}>
            Round {h.roundId}: {h.crashPoint.toFixed(2)}x{' '}
            <button
              type="button"
              class="link"
              aria-label={`Verify round ${h.roundId}`}
              onClick={async () => {
                // Loaded on first use, like the proof viewer's verification.
                const { verifyCrashRound } = await import('../../../shared/crash.ts');
                const v = verifyCrashRound(h);
                checked.value = { ...checked.value, [h.roundId]: `${v.ok ? '✔ verified' : '✘ failed'}: ${v.reason}` };
              }}
            >
              Verify
            </button>
            {checked.value[h.roundId] ? <span role="status"> {checked.value[h.roundId]}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
