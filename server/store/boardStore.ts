// A board's tasks (schema/entities/task.ts), written only by the board's room.
import type { Task } from '../../shared/boardCommands.ts';
import { raw } from '@mikro-orm/postgresql';
import { Task as TaskRow } from '../../schema/entities/task.ts';
import { namesOf, perMapping } from './entityNames.ts';
import type { Orm } from './orm.ts';
import { prepared, type Queryable, type Sql } from './sql.ts';

/** Open and accepted tasks, and those finished in the last day (by the database's clock). */
export async function loadTasks(orm: Orm, board: string): Promise<Task[]> {
  const dayAgo = raw(`now() - interval '1 day'`);
  const rows = await orm.em().find(
    TaskRow,
    {
      board,
      // coalesce(completed_at, created_at) within the last day, spelled out for the ORM.
      $or: [{ status: { $in: ['open', 'accepted'] } }, { completedAt: { $gt: dayAgo } }, { completedAt: null, createdAt: { $gt: dayAgo } }],
    },
    { orderBy: { createdAt: 'asc' }, limit: 1000 },
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    bountyGold: r.bountyGold,
    bountyCurrency: r.bountyCurrency,
    bountyXp: r.bountyXp,
    status: r.status,
    assignee: r.assignee ?? null,
    createdAt: r.createdAt.toISOString(),
    acceptedAt: r.acceptedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
  }));
}

/** The save runs inside the board's fenced transaction: raw SQL on its connection (the
 *  EntityManager would take a connection of its own), named by the entity. */
const saveStatement = perMapping((metadata) => {
  const t = namesOf(metadata, TaskRow);
  return prepared(`INSERT INTO ${t.table} (${t.cols(['id', 'board', 'title', 'bountyGold', 'bountyXp', 'status', 'assignee', 'createdAt', 'acceptedAt', 'completedAt', 'bountyCurrency'])})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (${t.col('id')}) DO UPDATE SET ${t.setFromExcluded(['status', 'assignee', 'acceptedAt', 'completedAt'])}`);
});

export async function saveTask(sql: Sql, trx: Queryable, board: string, t: Task): Promise<void> {
  await sql.query(
    saveStatement(sql.metadata),
    [t.id, board, t.title, t.bountyGold, t.bountyXp, t.status, t.assignee, t.createdAt, t.acceptedAt, t.completedAt, t.bountyCurrency],
    trx,
  );
}

/** A board an admin opened by creating a task on it. */
export async function boardHasTasks(orm: Orm, board: string): Promise<boolean> {
  return (await orm.em().findOne(TaskRow, { board }, { fields: ['id'] })) !== null;
}
