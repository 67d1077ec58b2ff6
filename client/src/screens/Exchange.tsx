// wallet.exchange: trade one currency for another at a rate the current economy publishes. The
// quote shown is the server's rule (floor(amount × get / give)); its answer is what counts.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { amountOf } from '../games/BetInput.tsx';
import type { RoomLink } from '../net/roomLink.ts';
import { currencyName, economy, economyError, refreshEconomy } from '../state/economy.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { pickRate, received, unique } from './exchangeRates.ts';
import { useCommand } from './useCommand.ts';

export function Exchange({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const { busy, error, run } = useCommand(player);
  const from = useSignal('');
  const to = useSignal('');
  const amount = useSignal('');
  const note = useSignal('');
  useEffect(() => void refreshEconomy(), []);
  const rates = economy.value?.economy.exchange ?? [];
  const rate = pickRate(rates, from.value, to.value);
  const quote = rate ? received(rate, amountOf(amount.value)) : null;

  async function exchange(e: Event) {
    e.preventDefault();
    if (!rate) return;
    const r = await run('wallet.exchange', { from: rate.from, to: rate.to, amount: amountOf(amount.value) });
    if (r) note.value = `Exchanged ${r.spent.toLocaleString('en')} ${r.from} for ${r.received.toLocaleString('en')} ${r.to}.`;
  }

  return (
    <section class="card" aria-labelledby="exchange-title">
      <h2 id="exchange-title">Exchange</h2>
      <ErrorLine message={economyError.value} />
      {economy.value && !rate ? <p>No exchange rates are published.</p> : null}
      {rate ? (
        <form onSubmit={exchange}>
          <label for="exchange-from">Give</label>
          <select id="exchange-from" value={rate.from} onChange={(e) => (from.value = e.currentTarget.value)}>
            {unique(rates.map((r) => r.from)).map((id) => (
              <option key={id} value={id}>
                {currencyName(id)}
              </option>
            ))}
          </select>
          <label for="exchange-to">Get</label>
          <select id="exchange-to" value={rate.to} onChange={(e) => (to.value = e.currentTarget.value)}>
            {unique(rates.filter((r) => r.from === rate.from).map((r) => r.to)).map((id) => (
              <option key={id} value={id}>
                {currencyName(id)}
              </option>
            ))}
          </select>
          <p data-testid="exchange-rate">
            Rate: {rate.give.toLocaleString('en')} {rate.from} for {rate.get.toLocaleString('en')} {rate.to}, rounded down.
          </p>
          <label for="exchange-amount">Amount to give ({rate.from})</label>
          <input id="exchange-amount" type="number" inputMode="numeric" min={1} step={1} value={amount.value} onInput={(e) => (amount.value = e.currentTarget.value)} />
          <p data-testid="exchange-quote">{quote === null ? 'Type a whole amount to see what you would get.' : quote === 0 ? `Too little: it would get you 0 ${rate.to}.` : `You would get ${quote.toLocaleString('en')} ${rate.to}.`}</p>
          <button type="submit" disabled={busy.value}>
            Exchange {rate.from} for {rate.to}
          </button>
        </form>
      ) : null}
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
