// A board's tasks (schema/entities/task.ts), written only by the board's room.
import type { Task } from '../../shared/boardCommands.ts';
import type { Queryable, Sql } from './sql.ts';

type Row = { id: string; title: string; bounty_gold: string; bounty_xp: string; status: Task['status']; assignee: string | null; created_at: Date; accepted_at: Date | null; completed_at: Date | null };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Open and accepted tasks, and those finished in the last day. */
export async function loadTasks(sql: Sql, board: string): Promise<Task[]> {
  const rows = await sql.query<Row>(
    `SELECT id, title, bounty_gold, bounty_xp, status, assignee, created_at, accepted_at, completed_at FROM tasks
      WHERE board = $1 AND (status IN ('open', 'accepted') OR coalesce(completed_at, created_at) > now() - interval '1 day')
      ORDER BY created_at LIMIT 1000`,
    [board],
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    bountyGold: Number(r.bounty_gold),
    bountyXp: Number(r.bounty_xp),
    status: r.status,
    assignee: r.assignee,
    createdAt: iso(r.created_at)!,
    acceptedAt: iso(r.accepted_at),
    completedAt: iso(r.completed_at),
  }));
}

export async function saveTask(sql: Sql, trx: Queryable, board: string, t: Task): Promise<void> {
  await sql.query(
    `INSERT INTO tasks (id, board, title, bounty_gold, bounty_xp, status, assignee, created_at, accepted_at, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, assignee = excluded.assignee, accepted_at = excluded.accepted_at, completed_at = excluded.completed_at`,
    [t.id, board, t.title, t.bountyGold, t.bountyXp, t.status, t.assignee, t.createdAt, t.acceptedAt, t.completedAt],
    trx,
  );
}

/** A board an admin opened by creating a task on it. */
export async function boardHasTasks(sql: Sql, board: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM tasks WHERE board = $1 LIMIT 1`, [board])).length > 0;
}
