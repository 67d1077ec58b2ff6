// Shown while any room is away: says so in words (not only colour) and keeps trying.
import type { ReadonlySignal } from '@preact/signals';
import type { LinkStatus } from '../net/roomLink.ts';

type Connection = { status: LinkStatus; attempt: number; problem: string };

export function ConnectionBanner({ connection }: { connection: ReadonlySignal<Connection> }) {
  const { status, attempt, problem } = connection.value;
  if (status === 'closed') {
    return (
      <div class="banner banner-closed" role="alert" data-testid="connection-banner">
        Disconnected: {problem || 'the connection was closed'}. Sign out and in again to continue.
      </div>
    );
  }
  if (status !== 'offline') return null;
  return (
    <div class="banner" role="alert" data-testid="connection-banner">
      Connection lost. Reconnecting{attempt > 1 ? ` (attempt ${attempt})` : ''}… Your commands are kept and will be sent again.
    </div>
  );
}
