// The wallet (a balance per currency), level, XP toward the next level and the connection state:
// all from the player room's committed state; the currencies' names from the current economy.
import type { ReadonlySignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { GOLD } from '../../../shared/economy.ts';
import type { RoomLink } from '../net/roomLink.ts';
import { currencyName, economy, refreshEconomy, walletCurrencies } from '../state/economy.ts';
import type { PlayerSnapshot } from '../state/snapshots.ts';
import type { LinkStatus } from '../net/roomLink.ts';
import { signOut } from '../state/session.ts';

const STATUS_TEXT: Record<LinkStatus, string> = { online: 'Online', connecting: 'Connecting…', offline: 'Reconnecting…', closed: 'Disconnected' };

// docs/PROTOCOL.md "Events" (`level.up`): level n needs 100 × (n − 1)² XP in total. Only the bar uses it; the
// level itself is the server's.
function xpForLevel(level: number): number {
  return 100 * (level - 1) ** 2;
}

export function ConnectionState({ status }: { status: LinkStatus }) {
  return (
    <span class={`conn conn-${status}`} data-testid="connection-state">
      <span class="dot" aria-hidden="true" />
      {STATUS_TEXT[status]}
    </span>
  );
}

/** A currency's balance in the player's state (missing from the wallet = 0; `balance` is gold's). */
export function balanceIn(state: PlayerSnapshot, currency: string): number {
  return state.wallet[currency] ?? (currency === GOLD ? state.balance : 0);
}

export function Header({ name, player, status }: { name: string; player: RoomLink<PlayerSnapshot>; status: ReadonlySignal<{ status: LinkStatus }> }) {
  const state = player.state.value;
  const from = state ? xpForLevel(state.level) : 0;
  const to = state ? xpForLevel(state.level + 1) : 1;
  const wallet = state?.wallet ?? {};
  const currencies = walletCurrencies(wallet);
  // A currency the loaded economy does not name was published since: fetch the new version.
  const unnamed = economy.value ? Object.keys(wallet).filter((id) => !economy.value!.economy.currencies[id]).join() : '';
  useEffect(() => void (unnamed && refreshEconomy()), [unnamed]);
  return (
    <header class="header">
      <strong class="who">{name}</strong>
      <dl class="stats">
        {currencies.map((id) => (
          <div key={id}>
            <dt>{currencyName(id)}</dt>
            {/* Gold's testid is the protocol-1 `balance`. */}
            <dd data-testid={id === GOLD ? 'balance' : `balance-${id}`}>{state ? balanceIn(state, id).toLocaleString('en') : '…'}</dd>
          </div>
        ))}
        <div>
          <dt>Level</dt>
          <dd data-testid="level">{state?.level ?? '…'}</dd>
        </div>
        <div class="xp">
          <dt>
            <label for="xp-bar">XP</label>
          </dt>
          <dd>
            <progress id="xp-bar" max={to - from} value={state ? state.xp - from : 0} aria-valuetext={state ? `${state.xp} XP, level ${state.level + 1} at ${to}` : 'loading'} />
            <span class="xp-text">
              {state ? `${state.xp} / ${to}` : ''}
            </span>
          </dd>
        </div>
      </dl>
      <ConnectionState status={status.value.status} />
      <button type="button" class="link" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
