// The ORM's side of the store: cold reads and writes outside a transaction (the shop catalog,
// admin look-ups and the audit trail, board tasks, a crash room's load, the effect sweep) go through
// MikroORM's EntityManager, typed by the entities in schema/entities/, so the entities are the one
// description of the schema. Hot statements, and those inside a fenced transaction, stay
// hand-written SQL (sql.ts) but take their names from the same entities (entityNames.ts).
import type { EntityManager, MetadataStorage, MikroORM } from '@mikro-orm/postgresql';
import type { Sql } from './sql.ts';

export type Orm = {
  /** A fresh EntityManager for one operation: no identity map shared between operations, so a
   *  read never answers from a stale copy of a row another room has since changed. */
  em(): EntityManager;
  /** The entities' mapping, for SQL that stays hand-written (entityNames.ts). */
  readonly metadata: MetadataStorage;
};

/**
 * `sql` is the Sql over the same pool: an EntityManager query takes its own connection, which
 * waits forever in embedded mode (one connection) when the same async flow holds a transaction,
 * so it is refused there exactly like a nested Sql query.
 */
export function ormOver(orm: MikroORM, sql: Sql): Orm {
  return {
    metadata: orm.getMetadata(),
    em() {
      sql.refuseNested('an EntityManager query');
      return orm.em.fork();
    },
  };
}
