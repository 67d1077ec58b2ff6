import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import type { Economy } from '../../shared/economy.ts';

/**
 * Every published version of the economy (docs/ECONOMY.md "Versions"), never changed once written.
 * `version` is the next whole number, taken inside the publishing transaction: two processes
 * publishing at once cannot both store the same one (the primary key refuses the second).
 * `publishedBy` is the admin's userId, or `file:<path>` for a document published from the
 * economy file at start. `document` is `json`, not `jsonb`: the text as published, so that it reads
 * back with its keys in the author's order (jsonb sorts them); documents are compared by structure
 * (server/economy/runtime.ts sameDocument), never by text.
 */
export const EconomyVersion = defineEntity({
  name: 'EconomyVersion',
  tableName: 'economy_versions',
  properties: {
    version: p.integer().primary().autoincrement(false),
    document: p.json<Economy>().columnType('json'),
    publishedBy: p.text(),
    publishedAt: p.datetime().defaultRaw('now()'),
  },
  checks: [{ name: 'economy_versions_version_positive', expression: 'version > 0' }],
});

export type IEconomyVersion = InferEntity<typeof EconomyVersion>;
