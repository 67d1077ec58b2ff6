// What publishing a document would change, path by path (microdiff), in the server's path notation
// (`shop.gem-pack.price.amount`): what the admin reads before publishing or rolling back.
import diff from 'microdiff';

export type Change = { kind: 'added' | 'removed' | 'changed'; path: string; before?: string; after?: string };

const KIND = { CREATE: 'added', REMOVE: 'removed', CHANGE: 'changed' } as const;

/** A value in one line: JSON, cut at `max` characters. */
export function brief(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Every difference from `current` to `next`; none when they are the same document. */
export function economyChanges(current: object, next: object): Change[] {
  return diff(current as Record<string, unknown>, next as Record<string, unknown>).map((d) => ({
    kind: KIND[d.type],
    path: d.path.join('.'),
    ...(d.type === 'CREATE' ? {} : { before: brief(d.oldValue) }),
    ...(d.type === 'REMOVE' ? {} : { after: brief(d.value) }),
  }));
}
