// Table and column names for the SQL that stays hand-written (the commit batch, the join path, the
// relay, the fences, ...): taken from the entities (schema/entities/), so the entities stay the one
// source of the schema. tests/sqlNames.test.ts fails on a table named literally in server SQL.
import type { EntityName, MetadataStorage } from '@mikro-orm/postgresql';

/**
 * Table and column names of one entity as the ORM maps them, quoted: the entity decides, not the
 * SQL. A property that does not exist fails the type check (`keyof`); a column renamed in the
 * entity changes the SQL with it (and tests/schema.test.ts checks the entities against the
 * migrated database, and the batch statement against both).
 */
export function namesOf<T>(metadata: MetadataStorage, entity: EntityName<T>) {
  const meta = metadata.get(entity);
  const col = (property: keyof T & string): string => {
    const column = meta.properties[property as keyof typeof meta.properties]?.fieldNames?.[0];
    if (!column) throw new Error(`${meta.className}.${property} has no column`);
    return `"${column}"`;
  };
  return {
    table: `"${meta.tableName}"`,
    col,
    /** `"column", ...`: the column list of an INSERT or a conflict target. */
    cols(properties: ReadonlyArray<keyof T & string>): string {
      return properties.map(col).join(', ');
    },
    /** `"column" = excluded."column", ...`: the SET of an upsert that takes the proposed row's values. */
    setFromExcluded(properties: ReadonlyArray<keyof T & string>): string {
      return properties.map((p) => `${col(p)} = excluded.${col(p)}`).join(', ');
    },
    /**
     * `"column" AS "property", ...` (each column qualified by `alias` when given): rows come back
     * keyed by the entity's property names, whatever the columns are called.
     */
    select(properties: ReadonlyArray<keyof T & string>, alias?: string): string {
      return properties.map((p) => `${alias ? `${alias}.` : ''}${col(p)} AS "${p}"`).join(', ');
    },
  };
}

/**
 * `build` run once per mapping and kept: statement text is made from the names on first use, not
 * on every call (a process has one mapping; a test may open several databases).
 */
export function perMapping<T>(build: (metadata: MetadataStorage) => T): (metadata: MetadataStorage) => T {
  const built = new WeakMap<MetadataStorage, T>();
  return (metadata) => {
    let value = built.get(metadata);
    if (value === undefined) {
      value = build(metadata);
      built.set(metadata, value);
    }
    return value;
  };
}
