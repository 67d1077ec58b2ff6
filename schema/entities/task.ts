import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const TASK_STATUSES = ['open', 'accepted', 'completed', 'cancelled'] as const;

/** A task on a board, written only by that board's room. */
export const Task = defineEntity({
  name: 'Task',
  tableName: 'tasks',
  properties: {
    id: p.text().primary(),
    board: p.text(),
    title: p.text(),
    /** The bounty's amount, in `bountyCurrency` (a currency id of the economy). */
    bountyGold: p.bigint('number'),
    bountyCurrency: p.text().default('gold'),
    bountyXp: p.bigint('number'),
    status: p.enum(TASK_STATUSES),
    assignee: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    acceptedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'tasks_board_status_index', properties: ['board', 'status'] }],
});

export type ITask = InferEntity<typeof Task>;
