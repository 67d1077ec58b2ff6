// The daily streak: claim once per UTC day; the reward and the day come back in the ack.
import { useSignal } from '@preact/signals';
import { CommandType } from '../../../shared/commandNames.ts';
import type { StreakClaimResult } from '../../../shared/commands.ts';
import type { RoomLink } from '../net/roomLink.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { useCommand } from './useCommand.ts';

const DAY_MS = 86_400_000;

export function Streak({ player }: { player: RoomLink<PlayerSnapshot> }) {
  const { busy, error, run } = useCommand(player);
  const last = useSignal<StreakClaimResult | null>(null);
  const streak = player.state.value?.streak;
  const claimedToday = streak !== undefined && streak.lastClaimDay === Math.floor(Date.now() / DAY_MS);
  return (
    <section class="card" aria-labelledby="streak-title">
      <h2 id="streak-title">Daily streak</h2>
      <p data-testid="streak-day">Streak: day {streak?.day ?? 0}{claimedToday ? ' (claimed today)' : ''}</p>
      <button
        type="button"
        disabled={busy.value || claimedToday}
        onClick={async () => {
          const result = await run(CommandType.streakClaim);
          if (result) last.value = result;
        }}
      >
        {busy.value ? 'Claiming…' : 'Claim daily reward'}
      </button>
      {last.value ? <p role="status">Day {last.value.day}: +{last.value.reward} gold.</p> : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
