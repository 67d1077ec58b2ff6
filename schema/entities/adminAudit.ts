import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** Every admin command: who sent it, what, with which payload, what came of it, when. */
export const AdminAudit = defineEntity({
  name: 'AdminAudit',
  tableName: 'admin_audit',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    admin: p.text(),
    action: p.text(),
    commandId: p.text(),
    payload: p.json<unknown>(),
    result: p.json<unknown>(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'admin_audit_created_at_index', properties: ['createdAt'] }],
});

export type IAdminAudit = InferEntity<typeof AdminAudit>;
