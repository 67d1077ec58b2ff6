// The admin's screen: live server figures from the admin room's state (supply per currency), then the tools.
import { GOLD } from '../../../shared/economy.ts';
import type { RoomLink } from '../net/roomLink.ts';
import type { AdminSnapshot, BoardSnapshot } from '../state/snapshots.ts';
import { Announce } from './Announce.tsx';
import { Audit } from './Audit.tsx';
import { GrantForm } from './GrantForm.tsx';
import { TaskEditor } from './TaskEditor.tsx';
import { UserLookup } from './UserLookup.tsx';

export function AdminPanel({ admin, board }: { admin: RoomLink<AdminSnapshot>; board: RoomLink<BoardSnapshot> }) {
  const s = admin.state.value;
  return (
    <div class="grid">
      <section class="card" aria-labelledby="server-title">
        <h2 id="server-title">Server</h2>
        <p data-testid="admin-figures">
          {s ? `${s.ccu} connected, ${s.rooms} rooms.` : 'Loading…'}
          {s
            ? Object.entries({ [GOLD]: s.supply, ...s.supplies })
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([currency, supply]) => ` ${currency}: minted ${supply.minted}, burned ${supply.burned}, circulating ${supply.circulating}.`)
            : null}
        </p>
      </section>
      <GrantForm admin={admin} />
      <UserLookup admin={admin} />
      <TaskEditor admin={admin} board={board} />
      <Announce admin={admin} />
      <Audit admin={admin} />
    </div>
  );
}
