// Gacha: 1 or 10 pulls; the items are revealed one by one as the ack lists them.
import { useSignal } from '@preact/signals';
import { CommandType } from '../../../shared/commandNames.ts';
import type { CommandResult } from '../../../shared/registry.ts';
import { rememberResult } from '../state/provedResults.ts';
import type { GameScreenProps } from './screens.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { addStyles } from '../screens/styleSheet.ts';
import { CurrencyPicker, useCurrencyChoice } from './BetInput.tsx';
import { gameCurrencies, gameParams } from './currencies.ts';
import css from './gacha.css' with { type: 'text' };

addStyles(css);

export default function Gacha({ player }: GameScreenProps) {
  const { busy, error, run } = useCommand(player);
  const result = useSignal<CommandResult<'game.gacha'> | null>(null);
  const currency = useCurrencyChoice(gameCurrencies('gacha'));
  const price = (gameParams('gacha') as { pullPrice?: Record<string, number> } | undefined)?.pullPrice?.[currency.current];

  async function pull(pulls: 1 | 10) {
    const r = await run('game.gacha', { pulls, currency: currency.current });
    if (!r) return;
    result.value = r;
    rememberResult(`Gacha ×${pulls}: ${r.items.map((i) => i.itemId).join(', ')}`, r.proof, { items: r.items });
  }

  return (
    <section class="card" aria-labelledby="gacha-title">
      <h2 id="gacha-title">Gacha</h2>
      <CurrencyPicker id="gacha-currency" label="Gacha currency" choice={currency} />
      <p data-testid="gacha-price">
        {price === undefined ? '' : `${price.toLocaleString('en')} ${currency.current} per pull. `}A 10-pull holds at least one rare or better.
      </p>
      <div class="row">
        <button type="button" disabled={busy.value} onClick={() => pull(1)}>
          Pull once
        </button>
        <button type="button" disabled={busy.value} onClick={() => pull(10)}>
          Pull 10 times
        </button>
      </div>
      {result.value ? (
        <ul class="reveal" aria-label="Items you pulled" data-testid="gacha-items">
          {result.value.items.map((item, i) => (
            <li key={i} class={`rarity rarity-${item.rarity}`} style={{ animationDelay: `${i * 80}ms` }}>
              {item.itemId} <span class="tag">{item.rarity}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
