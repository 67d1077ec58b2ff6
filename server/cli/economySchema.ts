// `npm run economy:schema`: writes economy/economy.schema.json from the economy's zod schema
// (server/economy/jsonSchema.ts). Run it after changing the schema or a game's parameters.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ECONOMY_SCHEMA_FILE, economyJsonSchemaText } from '../economy/jsonSchema.ts';

await writeFile(ECONOMY_SCHEMA_FILE, economyJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), ECONOMY_SCHEMA_FILE)}`);
