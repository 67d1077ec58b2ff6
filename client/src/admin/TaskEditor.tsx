// admin.task.create / admin.task.cancel on the main board, listed from the board room's state.
import { useSignal } from '@preact/signals';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { CommandSender, RoomLink } from '../net/roomLink.ts';
import { GOLD } from '../../../shared/economy.ts';
import { amountOf, CurrencyPicker, useCurrencyChoice } from '../games/BetInput.tsx';
import { economy } from '../state/economy.ts';
import { sortedTasks } from '../screens/Board.tsx';
import type { BoardSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { Field } from './AdminForm.tsx';

export function TaskEditor({ admin, board }: { admin: CommandSender; board: RoomLink<BoardSnapshot> }) {
  const { busy, error, run } = useCommand(admin);
  const title = useSignal('');
  const gold = useSignal('50');
  const xp = useSignal('10');
  // Any currency of the economy; the bounty account pays the bounty in it.
  const currency = useCurrencyChoice(Object.keys(economy.value?.economy.currencies ?? { [GOLD]: null }));
  return (
    <section class="card" aria-labelledby="task-editor-title">
      <h2 id="task-editor-title">Tasks</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await run(AdminCommandType.taskCreate, { title: title.value, bountyGold: amountOf(gold.value), bountyCurrency: currency.current, bountyXp: amountOf(xp.value) });
          if (r) title.value = '';
        }}
      >
        <Field id="task-title" label="Task title" value={title} />
        <CurrencyPicker id="task-currency" label="Bounty currency" choice={currency} />
        <Field id="task-gold" label={`Bounty (${currency.current})`} value={gold} />
        <Field id="task-xp" label="Bounty XP" value={xp} />
        <button type="submit" disabled={busy.value}>
          Create task
        </button>
      </form>
      <ErrorLine message={error.value} />
      <ul class="tasks">
        {sortedTasks(board.state.value).map((task) => (
          <li key={task.id}>
            <span>
              {task.title} — {task.status}
              {task.assignee ? ` (${task.assignee})` : ''}
            </span>
            {task.status === 'open' || task.status === 'accepted' ? (
              <button type="button" disabled={busy.value} aria-label={`Cancel ${task.title}`} onClick={() => run(AdminCommandType.taskCancel, { taskId: task.id })}>
                Cancel
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
