// Commands of the `board` room (docs/PROTOCOL.md): a task board shared by every signed-in user.
import { z } from 'zod';
import { commandId, eventsSync } from './commands.ts';
import type { CurrencyId } from './economy.ts';

import { BoardCommandType, DEFAULT_BOARD } from './commandNames.ts';

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { BoardCommandType, DEFAULT_BOARD };
export const BOARD_NAME = /^[a-z0-9-]{1,32}$/;

export const taskId = z.string({ error: 'taskId must be 1-64 characters of [A-Za-z0-9_-]' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'taskId must be 1-64 characters of [A-Za-z0-9_-]' });

const taskCommand = z.strictObject({ id: commandId, taskId });

export const boardCommands = {
  [BoardCommandType.taskAccept]: taskCommand,
  [BoardCommandType.taskComplete]: taskCommand,
  [BoardCommandType.taskAbandon]: taskCommand,
  [BoardCommandType.eventsSync]: eventsSync,
} as const;

export type BoardCommand =
  | ({ type: typeof BoardCommandType.taskAccept | typeof BoardCommandType.taskComplete | typeof BoardCommandType.taskAbandon } & z.infer<typeof taskCommand>)
  | ({ type: typeof BoardCommandType.eventsSync } & z.infer<typeof eventsSync>);

export type TaskStatus = 'open' | 'accepted' | 'completed' | 'cancelled';

export type Task = {
  id: string;
  title: string;
  /** The bounty's amount, in `bountyCurrency` (the field keeps its protocol-1 name). */
  bountyGold: number;
  bountyCurrency: CurrencyId;
  bountyXp: number;
  status: TaskStatus;
  assignee: string | null;
  createdAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
};

export type TaskResult = { task: Task };
/** `bountyGold` is in `bountyCurrency`. */
export type TaskCompleteResult = { task: Task; bountyGold: number; bountyCurrency: CurrencyId; bountyXp: number };
