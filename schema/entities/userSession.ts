import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * What makes a user's tokens stop working. Every token carries the `generation` it was
 * signed under; revoking a user's sessions bumps it, so every older token is refused at the next
 * join. `banned_until` refuses joins (any token) until then. No row = generation 0, not banned.
 */
export const UserSession = defineEntity({
  name: 'UserSession',
  tableName: 'user_sessions',
  properties: {
    userId: p.text().primary(),
    generation: p.integer().default(0),
    bannedUntil: p.datetime().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});

export type IUserSession = InferEntity<typeof UserSession>;
