// The changes publishing a document would make, one path a line (economyDiff.ts).
import type { Change } from './economyDiff.ts';

const SIGN = { added: '+', removed: '−', changed: '~' } as const;

export function Changes({ changes, against }: { changes: Change[]; against: string }) {
  if (changes.length === 0) return null;
  return (
    <ul class="changes" aria-label={`Changes against ${against}`} data-testid="economy-changes">
      {changes.map((c) => (
        <li key={c.path} class={`change-${c.kind}`}>
          <span aria-hidden="true">{SIGN[c.kind]} </span>
          <code>{c.path}</code> {c.kind}
          {c.kind === 'changed' ? `: ${c.before} → ${c.after}` : c.kind === 'added' ? `: ${c.after}` : ` (was ${c.before})`}
        </li>
      ))}
    </ul>
  );
}
