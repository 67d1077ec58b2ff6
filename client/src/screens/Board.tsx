// The shared task board: live from the board room's state; accept, complete, abandon.
import { BoardCommandType } from '../../../shared/commandNames.ts';
import type { RoomLink } from '../net/roomLink.ts';
import type { BoardSnapshot, TaskSnapshot } from '../state/snapshots.ts';
import { ErrorLine } from './ErrorLine.tsx';
import { useCommand } from './useCommand.ts';
import { useSignal } from '@preact/signals';

const STATUS_ORDER: Record<string, number> = { open: 0, accepted: 1, completed: 2, cancelled: 3 };

export function sortedTasks(board: BoardSnapshot | null): TaskSnapshot[] {
  return Object.values(board?.tasks ?? {}).sort((a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || b.createdAt.localeCompare(a.createdAt));
}

export function Board({ board, userId }: { board: RoomLink<BoardSnapshot>; userId: string }) {
  const { busy, error, run } = useCommand(board);
  const note = useSignal('');
  const tasks = sortedTasks(board.state.value);

  async function act(type: typeof BoardCommandType.taskAccept | typeof BoardCommandType.taskComplete | typeof BoardCommandType.taskAbandon, task: TaskSnapshot) {
    const r = await run(type, { taskId: task.id });
    if (r && 'bountyGold' in r) note.value = `Completed "${task.title}": +${r.bountyGold} ${r.bountyCurrency}, +${r.bountyXp} XP on the way to your wallet.`;
  }

  return (
    <section class="card" aria-labelledby="board-title">
      <h2 id="board-title">Task board</h2>
      {tasks.length === 0 ? <p>No tasks yet.</p> : null}
      <ul class="tasks" data-testid="tasks">
        {tasks.map((task) => {
          const mine = task.assignee === userId;
          return (
            <li key={task.id} class={`task task-${task.status}`} data-task-title={task.title}>
              <div>
                <strong>{task.title}</strong> — {task.bountyGold} {task.bountyCurrency}, {task.bountyXp} XP
                <div class="tag">
                  {task.status}
                  {task.status === 'accepted' ? (mine ? ' by you' : ' by another player') : ''}
                </div>
              </div>
              <div class="row">
                {task.status === 'open' ? (
                  <button type="button" disabled={busy.value} aria-label={`Accept ${task.title}`} onClick={() => act(BoardCommandType.taskAccept, task)}>
                    Accept
                  </button>
                ) : null}
                {task.status === 'accepted' && mine ? (
                  <>
                    <button type="button" disabled={busy.value} aria-label={`Complete ${task.title}`} onClick={() => act(BoardCommandType.taskComplete, task)}>
                      Complete
                    </button>
                    <button type="button" disabled={busy.value} aria-label={`Abandon ${task.title}`} onClick={() => act(BoardCommandType.taskAbandon, task)}>
                      Abandon
                    </button>
                  </>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {note.value ? <p role="status">{note.value}</p> : null}
      <ErrorLine message={error.value} />
    </section>
  );
}
