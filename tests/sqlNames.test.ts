// The entities (schema/entities/) are the one source of the schema: no SQL in server/ names a table
// of theirs literally. Hand-written statements take their names from the entities' mapping
// (server/store/entityNames.ts); everything else goes through MikroORM. The string literals and
// template parts of every server file (tests aside) are scanned for a table of the mapping after
// FROM, INTO, UPDATE, JOIN, ..., for `table.column`, and for a string that is a table name alone.
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { EntityName } from '@mikro-orm/postgresql';
import ts from 'typescript';
import { ENTITIES } from '../schema/config.ts';
import { entityMetadata } from './support/metadata.ts';
import { ROOT } from './support/server.ts';

type Table = { name: string; columns: string[] };

/** The tables and columns the entities map, as the server's MikroORM config names them. */
function schemaTables(): Table[] {
  const metadata = entityMetadata();
  return ENTITIES.map((entity) => {
    // ENTITIES is an array of different entity types; only the mapping's names are read here.
    const meta = metadata.get(entity as EntityName<object>);
    return { name: meta.tableName, columns: meta.props.flatMap((p) => p.fieldNames ?? []) };
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternsFor(tables: readonly Table[]): RegExp[] {
  const names = tables.map((t) => escape(t.name)).join('|');
  return [
    // A table after a keyword that takes one, bare or quoted: `FROM accounts`, `INSERT INTO "outbox"`.
    new RegExp(`\\b(?:from|into|update|join|table|truncate|exists)\\s+"?(?:${names})"?(?![\\w$])`, 'i'),
    // A column qualified by its table: `user_sessions.generation`.
    ...tables.map((t) => new RegExp(`(?<![\\w$."])"?${escape(t.name)}"?\\."?(?:${t.columns.map(escape).join('|')})(?![\\w$])`, 'i')),
    // A table name handed around as a string, to be pasted into SQL (`FROM ${table}`).
    new RegExp(`^"?(?:${names})"?$`),
  ];
}

/** `line: text` of each string literal or template part of `source` that names a table. */
function literalTableNames(fileName: string, source: string, patterns: readonly RegExp[]): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      const start = node.getStart(file);
      // The literal's own characters, without its quotes, `${` and `}`.
      const raw = source.slice(start, node.getEnd()).replace(/^[`'"}]/, '').replace(/(\$\{|[`'"])$/, '');
      for (const [i, text] of raw.split('\n').entries()) {
        if (patterns.some((p) => p.test(text.trim()))) found.push(`${file.getLineAndCharacterOfPosition(start).line + 1 + i}: ${text.trim()}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test('the scan finds a table named in SQL, and only there', () => {
  const tables: Table[] = [
    { name: 'accounts', columns: ['id', 'epoch'] },
    { name: 'user_sessions', columns: ['user_id', 'generation'] },
  ];
  const source = [
    '// Reads from accounts, the fence of a player room.',
    "const a = 'SELECT 1 FROM accounts WHERE id = $1';",
    'const b = `INSERT INTO "user_sessions" (user_id) VALUES ($1)`;',
    'const c = `UPDATE ${t.table} SET generation = user_sessions.generation + 1`;',
    "const d = { table: 'accounts' };",
    'const e = `SELECT ${a.col(\'id\')} FROM ${a.table}`;',
    'const f = `',
    '  SELECT x',
    '    JOIN accounts a ON true`;',
    "const g = 'the accounts of the house';",
    'const h = accounts.id;',
  ].join('\n');
  assert.deepEqual(literalTableNames('sample.ts', source, patternsFor(tables)), [
    '2: SELECT 1 FROM accounts WHERE id = $1',
    '3: INSERT INTO "user_sessions" (user_id) VALUES ($1)',
    '4: SET generation = user_sessions.generation + 1',
    "5: accounts",
    '9: JOIN accounts a ON true',
  ]);
});

test('no SQL in server/ names a table of the schema literally: names come from the entities', () => {
  const tables = schemaTables();
  assert.ok(tables.length >= 15 && tables.some((t) => t.name === 'accounts'), 'the mapping lists the schema tables');
  const patterns = patternsFor(tables);
  const files = globSync('server/**/*.ts', { cwd: ROOT }).filter((f) => !f.endsWith('.test.ts'));
  assert.ok(files.length > 50, 'the scan reads the server sources');
  const offenders = files.sort().flatMap((f) => literalTableNames(f, readFileSync(path.join(ROOT, f), 'utf8'), patterns).map((hit) => `${f}:${hit}`));
  assert.equal(offenders.length, 0, `SQL that names a table literally; take the names from the entities (namesOf, server/store/entityNames.ts) or use the EntityManager:\n${offenders.join('\n')}`);
});
