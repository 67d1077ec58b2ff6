// The slot machine: three reels, the payout from the server's paytable.
import { useSignal } from '@preact/signals';
import { CommandType } from '../../../shared/commandNames.ts';
import type { CommandResult } from '../../../shared/registry.ts';
import type { SlotSymbol } from '../../../server/games/slot.ts';
import { rememberResult } from '../state/provedResults.ts';
import type { GameScreenProps } from './screens.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { addStyles } from '../screens/styleSheet.ts';
import { amountOf, BetInput, CurrencyPicker, useCurrencyChoice } from './BetInput.tsx';
import { gameCurrencies } from './currencies.ts';
import css from './slot.css' with { type: 'text' };

addStyles(css);

// The symbols of today's strip; one the economy adds later shows its name.
const SYMBOL: Record<SlotSymbol, string> = { cherry: '🍒', lemon: '🍋', orange: '🍊', bell: '🔔', bar: '▬', seven: '7' };

export default function Slot({ player }: GameScreenProps) {
  const { busy, error, run } = useCommand(player);
  const bet = useSignal('10');
  const currency = useCurrencyChoice(gameCurrencies('slot'));
  const result = useSignal<(CommandResult<'game.slot'> & { currency: string }) | null>(null);

  async function spin() {
    const stake = currency.current;
    const r = await run('game.slot', { bet: amountOf(bet.value), currency: stake });
    if (!r) return;
    result.value = { ...r, currency: stake };
    rememberResult(`Slot: ${r.reels.join(' ')}, paid ${r.payout}`, r.proof, { reels: r.reels });
  }

  const reels = result.value?.reels ?? (['seven', 'seven', 'seven'] as const);
  return (
    <section class="card" aria-labelledby="slot-title">
      <h2 id="slot-title">Slot machine</h2>
      <div class={`reels${busy.value ? ' spinning' : ''}`} aria-hidden="true">
        {reels.map((s, i) => (
          <span class="reel" key={i}>
            {SYMBOL[s] ?? s}
          </span>
        ))}
      </div>
      <CurrencyPicker id="slot-currency" label="Slot currency" choice={currency} />
      <BetInput id="slot-bet" label={`Slot bet (${currency.current})`} value={bet} />
      <button type="button" disabled={busy.value} onClick={spin}>
        {busy.value ? 'Spinning…' : 'Spin'}
      </button>
      {result.value ? (
        <p role="status" data-testid="slot-result">
          Reels: {result.value.reels.join(', ')}. {result.value.payout > 0 ? `Paid ${result.value.payout} ${result.value.currency}.` : 'No win.'}
        </p>
      ) : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
