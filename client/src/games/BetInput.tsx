// What a game card stakes: a labelled whole-number bet field, and the currency picker every card
// shares, offering the currencies the game accepts in the current economy. The server validates
// both and names the field when it refuses (`bet` outside the currency's limits, an unlisted `currency`).
import { useSignal, type Signal } from '@preact/signals';
import { GOLD } from '../../../shared/economy.ts';
import { currencyName } from '../state/economy.ts';

export function BetInput({ id, label, value }: { id: string; label: string; value: Signal<string> }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} type="number" inputMode="numeric" min={1} step={1} value={value.value} onInput={(e) => (value.value = e.currentTarget.value)} />
    </>
  );
}

/** What the player typed, as a number for the server to judge (NaN stays NaN: the nack says why). */
export function amountOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

export type CurrencyChoice = { accepted: string[]; picked: Signal<string>; current: string };

/** The currency to use among `accepted`: the one picked while it is still accepted, else the first. */
export function useCurrencyChoice(accepted: string[]): CurrencyChoice {
  const picked = useSignal(GOLD);
  return { accepted, picked, current: accepted.includes(picked.value) ? picked.value : (accepted[0] ?? GOLD) };
}

/** The currency picker of every game card (and of the admin's grant); nothing to pick, and nothing shown, when one currency is accepted. */
export function CurrencyPicker({ id, label, choice }: { id: string; label: string; choice: CurrencyChoice }) {
  if (choice.accepted.length < 2) return null;
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} value={choice.current} onChange={(e) => (choice.picked.value = e.currentTarget.value)}>
        {choice.accepted.map((id) => (
          <option key={id} value={id}>
            {currencyName(id)}
          </option>
        ))}
      </select>
    </>
  );
}
