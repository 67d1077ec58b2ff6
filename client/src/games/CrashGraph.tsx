// The live multiplier of the running round, drawn from the values the crash room synchronizes.
import { useSignal, useSignalEffect } from '@preact/signals';
import type { RoomLink } from '../net/roomLink.ts';
import type { CrashSnapshot } from '../state/snapshots.ts';
import { addStyles } from '../screens/styleSheet.ts';
import css from './crash.css' with { type: 'text' };

addStyles(css);

const WIDTH = 320;
const HEIGHT = 160;

type Point = { t: number; m: number };

export function CrashGraph({ crash }: { crash: RoomLink<CrashSnapshot> }) {
  const points = useSignal<Point[]>([]);
  const round = useSignal(-1);

  useSignalEffect(() => {
    const s = crash.state.value;
    if (!s) return;
    if (s.roundId !== round.peek()) {
      round.value = s.roundId;
      points.value = [];
    }
    if (s.phase === 'running' || (s.phase === 'crashed' && points.peek().length > 0)) {
      const last = points.peek().at(-1);
      if (!last || last.m !== s.multiplier) points.value = [...points.peek(), { t: points.peek().length, m: s.multiplier }];
    }
  });

  const list = points.value;
  const maxT = Math.max(10, list.length);
  const maxM = Math.max(2, ...list.map((p) => p.m));
  const path = list.map((p) => `${((p.t / maxT) * WIDTH).toFixed(1)},${(HEIGHT - ((p.m - 1) / (maxM - 1)) * HEIGHT).toFixed(1)}`).join(' ');
  const s = crash.state.value;
  return (
    <figure class="crash-graph">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`Multiplier graph, now ${s?.multiplier.toFixed(2) ?? '1.00'}x`}>
        <polyline points={path} fill="none" stroke="currentColor" stroke-width="3" vector-effect="non-scaling-stroke" />
      </svg>
      <figcaption class={`multiplier phase-${s?.phase ?? 'betting'}`} data-testid="crash-multiplier">
        {s ? `${s.multiplier.toFixed(2)}x` : '…'}
        {s?.phase === 'crashed' ? ' — crashed' : ''}
      </figcaption>
    </figure>
  );
}
