// admin.announce: a sentence every connected player sees as a toast.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function Announce({ admin }: { admin: CommandSender }) {
  const { busy, error, run } = useCommand(admin);
  const text = useSignal('');
  const note = useSignal('');
  return (
    <form
      class="card"
      aria-labelledby="announce-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await run(AdminCommandType.announce, { text: text.value })) {
          note.value = 'Announced.';
          text.value = '';
        }
      }}
    >
      <h2 id="announce-title">Announce</h2>
      <Field id="announce-text" label="Announcement" value={text} />
      <button type="submit" disabled={busy.value}>
        Send announcement
      </button>
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
    </form>
  );
}
