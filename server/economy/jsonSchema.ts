// The economy document's JSON Schema, for editors (docs/ECONOMY.md "Editing the file"): made from
// the zod schema (server/economy/schema.ts), so the two cannot disagree on the shape. The
// cross-references (a currency named must exist, rates, sale windows) are the server's to check:
// JSON Schema cannot say them. economy/economy.schema.json is this, committed
// (`npm run economy:schema`; a test fails when the committed file is stale).
import path from 'node:path';
import { z } from 'zod';
import { economyStructure } from './schema.ts';

export const ECONOMY_SCHEMA_FILE = path.resolve(import.meta.dirname, '../../economy/economy.schema.json');

export function economyJsonSchema(): Record<string, unknown> {
  // `input`: what a file may say, defaults left out included.
  const schema = z.toJSONSchema(economyStructure, { io: 'input' });
  return {
    ...schema,
    title: 'Coffer economy',
    description: 'One economy document: currencies, exchange rates, the shop, rewards and game parameters (docs/ECONOMY.md). The server also checks what a schema cannot: every currency named exists, rates, sale windows.',
  };
}

/** The file's text: stable, two-space indented, with a final newline. */
export function economyJsonSchemaText(): string {
  return `${JSON.stringify(economyJsonSchema(), null, 2)}\n`;
}
