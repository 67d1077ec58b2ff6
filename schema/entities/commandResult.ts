import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * The reply already sent for a command, keyed by (actor, command id): a retried command gets the same
 * reply instead of being applied twice. `payload_hash` detects a reused id with a different payload.
 */
export const CommandResult = defineEntity({
  name: 'CommandResult',
  tableName: 'command_results',
  properties: {
    actor: p.text().primary(),
    commandId: p.text().primary(),
    payloadHash: p.text(),
    reply: p.json<unknown>(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  primaryKeys: ['actor', 'commandId'],
  indexes: [
    // Old results are pruned by age.
    { name: 'command_results_created_at_index', properties: ['createdAt'] },
  ],
});

export type ICommandResult = InferEntity<typeof CommandResult>;
