// Dice: roll under or over a target; the lower the chance, the bigger the payout.
import { useSignal } from '@preact/signals';
import type { CommandResult } from '../../../shared/registry.ts';
import { rememberResult } from '../state/provedResults.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { amountOf, BetInput, CurrencyPicker, useCurrencyChoice } from './BetInput.tsx';
import { gameCurrencies } from './currencies.ts';
import type { GameScreenProps } from './screens.ts';

export default function Dice({ player }: GameScreenProps) {
  const { busy, error, run } = useCommand(player);
  const bet = useSignal('10');
  const currency = useCurrencyChoice(gameCurrencies('dice'));
  const target = useSignal('50');
  const over = useSignal(false);
  const result = useSignal<(CommandResult<'game.dice'> & { currency: string }) | null>(null);

  async function roll() {
    const stake = currency.current;
    const r = await run('game.dice', { bet: amountOf(bet.value), target: amountOf(target.value), over: over.value, currency: stake });
    if (!r) return;
    result.value = { ...r, currency: stake };
    rememberResult(`Dice: rolled ${r.roll}, ${r.win ? `paid ${r.payout}` : 'no win'}`, r.proof, { roll: r.roll });
  }

  return (
    <section class="card" aria-labelledby="dice-title">
      <h2 id="dice-title">Dice</h2>
      <CurrencyPicker id="dice-currency" label="Dice currency" choice={currency} />
      <BetInput id="dice-bet" label={`Dice bet (${currency.current})`} value={bet} />
      <label for="dice-target">Target (1–98)</label>
      <input id="dice-target" type="number" inputMode="numeric" min={1} max={98} step={1} value={target.value} onInput={(e) => (target.value = e.currentTarget.value)} />
      <label>
        <input type="checkbox" checked={over.value} onChange={(e) => (over.value = e.currentTarget.checked)} /> Roll over (unchecked: under) the target × 100
      </label>
      <button type="button" disabled={busy.value} onClick={roll}>
        {busy.value ? 'Rolling…' : 'Roll'}
      </button>
      {result.value ? (
        <p role="status" data-testid="dice-result">
          Rolled {result.value.roll}. {result.value.win ? `You win ${result.value.payout} ${result.value.currency}.` : 'No win.'}
        </p>
      ) : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
