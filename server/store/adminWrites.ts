// The admin desk's writes (server/core/admin/desk.ts AdminWrite) inside the admin writer's fenced
// transaction; what a write found joins the command's reply.
import type { AdminWrite } from '../core/admin/desk.ts';
import { openTable } from './crashStore.ts';
import type { Queryable, Sql } from './sql.ts';

export async function storeAdminWrite(sql: Sql, trx: Queryable, write: AdminWrite, newSeed: () => string): Promise<Record<string, unknown>> {
  switch (write.kind) {
    case 'crashOpen':
      // A new crash table with a fresh chain seed; players can join it at once.
      return { opened: await openTable(sql, trx, write.table, newSeed()) };
  }
}
