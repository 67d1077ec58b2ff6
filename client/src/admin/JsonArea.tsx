// A JSON text area whose marked lines are highlighted: a backdrop under the transparent textarea
// draws the same lines, the marked ones with a background, and follows its scrolling.
import type { Signal } from '@preact/signals';
import type { Ref } from 'preact';
import { useRef } from 'preact/hooks';

export function JsonArea({ id, label, value, marked, areaRef }: { id: string; label: string; value: Signal<string>; marked: ReadonlySet<number>; areaRef: Ref<HTMLTextAreaElement> }) {
  const backdrop = useRef<HTMLPreElement>(null);
  const lines = value.value.split('\n');
  return (
    <>
      <label for={id}>{label}</label>
      <div class="json-area">
        <pre class="json-backdrop" ref={backdrop} aria-hidden="true">
          {lines.map((line, i) => (marked.has(i + 1) ? <mark key={i}>{`${line}\n`}</mark> : `${line}\n`))}
        </pre>
        <textarea
          id={id}
          ref={areaRef}
          rows={24}
          spellcheck={false}
          wrap="off"
          value={value.value}
          onInput={(e) => (value.value = e.currentTarget.value)}
          onScroll={(e) => {
            if (!backdrop.current) return;
            backdrop.current.scrollTop = e.currentTarget.scrollTop;
            backdrop.current.scrollLeft = e.currentTarget.scrollLeft;
          }}
        />
      </div>
    </>
  );
}

/** Selects line `line` (from 1) of the area and scrolls it into view. */
export function selectLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}
