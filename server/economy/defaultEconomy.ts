// The economy a fresh server starts with (economy/default.json): today's values, as version 1.
import type { Economy, PublishedEconomy } from '../../shared/economy.ts';
import document from '../../economy/default.json' with { type: 'json' };

export const defaultEconomy: Economy = document;

/** The default document as the first published version, for tests and tools that run without storage. */
export function defaultPublished(): PublishedEconomy {
  return { version: 1, economy: defaultEconomy, publishedAt: new Date(0).toISOString(), publishedBy: 'default' };
}
