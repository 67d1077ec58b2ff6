// The committed JSON Schema for editors (economy/economy.schema.json) is the one the zod schema
// makes now: a schema change without `npm run economy:schema` fails here. It allows the file's
// `$schema` key, and the default file points at it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ECONOMY_SCHEMA_FILE, economyJsonSchema, economyJsonSchemaText } from './jsonSchema.ts';

test('economy/economy.schema.json is current: run `npm run economy:schema` after changing the schema or a game’s params', async () => {
  const committed = await readFile(ECONOMY_SCHEMA_FILE, 'utf8');
  assert.equal(committed, economyJsonSchemaText(), 'economy/economy.schema.json is stale: run `npm run economy:schema` and commit it');
});

test('the schema takes `$schema`, refuses unknown top-level keys, and the default file points at it', async () => {
  const schema = economyJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown; required: string[] };
  assert.ok(schema.properties.$schema);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required.sort(), ['crash', 'currencies', 'games', 'rewards', 'shop']);
  const file = JSON.parse(await readFile(new URL('../../economy/default.json', import.meta.url), 'utf8')) as { $schema: string };
  assert.equal(file.$schema, './economy.schema.json');
});
