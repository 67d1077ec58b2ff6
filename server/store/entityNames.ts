// Table and column names for the SQL that stays hand-written (the commit batch, the ledger audit):
// taken from the entities (schema/entities/), so the entities stay the one source of the schema.
import type { EntityName, MetadataStorage } from '@mikro-orm/postgresql';

/**
 * Table and column names of one entity as the ORM maps them, quoted: the entity decides, not the
 * SQL. A property that does not exist fails the type check (`keyof`); a column renamed in the
 * entity changes the SQL with it (and tests/schema.test.ts checks the entities against the
 * migrated database, and the batch statement against both).
 */
export function namesOf<T>(metadata: MetadataStorage, entity: EntityName<T>) {
  const meta = metadata.get(entity);
  return {
    table: `"${meta.tableName}"`,
    col(property: keyof T & string): string {
      const column = meta.properties[property as keyof typeof meta.properties]?.fieldNames?.[0];
      if (!column) throw new Error(`${meta.className}.${property} has no column`);
      return `"${column}"`;
    },
  };
}
