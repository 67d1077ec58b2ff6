// A labelled whole-number bet field. The server validates the bet and names it when refused.
import type { Signal } from '@preact/signals';

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
