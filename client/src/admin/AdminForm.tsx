// A labelled text field for the admin forms. Numbers are typed as text: the server judges them
// and names the field when one is wrong (negative grants need the minus key mobile keypads hide).
import type { Signal } from '@preact/signals';

export function Field({ id, label, value }: { id: string; label: string; value: Signal<string> }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} type="text" value={value.value} onInput={(e) => (value.value = e.currentTarget.value)} />
    </>
  );
}
