// Rock, paper, scissors against the house.
import { useSignal } from '@preact/signals';
import { CommandType, Hand } from '../../../shared/commandNames.ts';
import type { CommandResult } from '../../../shared/registry.ts';
import { rememberResult } from '../state/provedResults.ts';
import type { GameScreenProps } from './screens.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { amountOf, BetInput, CurrencyPicker, useCurrencyChoice } from './BetInput.tsx';
import { gameCurrencies } from './currencies.ts';

const OUTCOME_TEXT = { win: 'You win', lose: 'You lose', draw: 'Draw' } as const;

export default function Rps({ player }: GameScreenProps) {
  const { busy, error, run } = useCommand(player);
  const bet = useSignal('10');
  const currency = useCurrencyChoice(gameCurrencies('rps'));
  const result = useSignal<(CommandResult<'game.rps'> & { hand: string; currency: string }) | null>(null);

  async function play(hand: (typeof Hand)[number]) {
    const stake = currency.current;
    const r = await run('game.rps', { bet: amountOf(bet.value), hand, currency: stake });
    if (!r) return;
    result.value = { ...r, hand, currency: stake };
    rememberResult(`RPS: ${hand} vs ${r.serverHand}, ${r.outcome}`, r.proof, { serverHand: r.serverHand });
  }

  return (
    <section class="card" aria-labelledby="rps-title">
      <h2 id="rps-title">Rock, paper, scissors</h2>
      <CurrencyPicker id="rps-currency" label="RPS currency" choice={currency} />
      <BetInput id="rps-bet" label={`RPS bet (${currency.current})`} value={bet} />
      <div class="row" role="group" aria-label="Choose your hand">
        {Hand.map((hand) => (
          <button type="button" key={hand} disabled={busy.value} onClick={() => play(hand)}>
            {hand[0].toUpperCase() + hand.slice(1)}
          </button>
        ))}
      </div>
      {result.value ? (
        <p role="status" data-testid="rps-result">
          {OUTCOME_TEXT[result.value.outcome]}: your {result.value.hand} against {result.value.serverHand}; paid {result.value.payout} {result.value.currency}.
        </p>
      ) : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
