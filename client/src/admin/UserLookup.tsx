// admin.user.get: a player's committed record (a balance per currency) with their last transfers,
// each in its currency and under the economy version it was decided; admin.kick (with an
// optional ban) and admin.sessions.revoke from here too.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import { GOLD } from '../../../shared/economy.ts';
import type { UserView } from '../../../shared/adminCommands.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function UserLookup({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const userId = useSignal('');
  const reason = useSignal('');
  const banMinutes = useSignal('');
  const user = useSignal<UserView | null>(null);
  const note = useSignal('');
  return (
    <section class="card" aria-labelledby="lookup-title">
      <h2 id="lookup-title">Player lookup</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          user.value = (await run(AdminCommandType.userGet, { userId: userId.value.trim() })) ?? null;
        }}
      >
        <Field id="lookup-user" label="Player id to look up" value={userId} />
        <button type="submit" disabled={busy.value}>
          Look up
        </button>
      </form>
      <ErrorLine message={error.value} />
      {user.value ? (
        <div data-testid="user-view">
          <p>
            {user.value.displayName}:{' '}
            {Object.entries({ [GOLD]: user.value.balance, ...user.value.wallet }).map(([currency, amount]) => (
              <span key={currency}>
                <strong>{amount}</strong> {currency},{' '}
              </span>
            ))}
            level {user.value.level}, {user.value.xp} XP. Inventory:{' '}
            {Object.entries(user.value.inventory).map(([id, qty]) => `${qty} × ${id}`).join(', ') || 'empty'}.
          </p>
          <div class="scroll">
            <table>
              <caption>Recent transfers</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Economy version</th>
                </tr>
              </thead>
              <tbody>
                {user.value.ledger.map((t) => (
                  <tr key={t.id}>
                    <td>{new Date(t.at).toLocaleString('en-GB')}</td>
                    <td>{t.from}</td>
                    <td>{t.to}</td>
                    <td>
                      {t.amount} {t.currency}
                    </td>
                    <td>{t.reason}</td>
                    <td>{t.economyVersion ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Field id="kick-reason" label="Kick reason" value={reason} />
          <Field id="ban-minutes" label="Ban for minutes (empty: no ban)" value={banMinutes} />
          <button
            type="button"
            disabled={busy.value}
            onClick={async () => {
              const minutes = banMinutes.value.trim();
              const ban = minutes === '' ? {} : { banSeconds: Math.round(Number(minutes) * 60) };
              const r = await run(AdminCommandType.kick, { userId: user.value!.userId, reason: reason.value, ...ban });
              if (r) note.value = `Kicked ${r.kicked} connection(s).${r.bannedUntil ? ` Banned until ${new Date(r.bannedUntil).toLocaleString('en-GB')}.` : ''}`;
            }}
          >
            Kick this player
          </button>
          <button
            type="button"
            disabled={busy.value}
            onClick={async () => {
              const r = await run(AdminCommandType.sessionsRevoke, { userId: user.value!.userId, reason: reason.value });
              if (r) note.value = `Ended every session of this player (${r.kicked} connection(s) closed); their tokens no longer work.`;
            }}
          >
            End all sessions
          </button>
          {note.value ? <p role="status">{note.value}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
