// The economy a fresh server starts with (economy/default.json): today's values, as version 1.
import type { Economy, PublishedEconomy } from '../../shared/economy.ts';
import document from '../../economy/default.json' with { type: 'json' };

// `$schema` points editors at economy/economy.schema.json; it is not part of the economy.
const { $schema: _, ...economy } = document;
export const defaultEconomy: Economy = economy;

/** The default document as the first published version, for tests and tools that run without storage. */
export function defaultPublished(): PublishedEconomy {
  return { version: 1, economy: defaultEconomy, publishedAt: new Date(0).toISOString(), publishedBy: 'default' };
}
