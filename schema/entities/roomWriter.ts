import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/**
 * The fence of a shared room (`board:<name>`, `crash:<table>`, `admin`): whoever loads the room
 * bumps `epoch`, and every commit of the room first checks that it still holds that epoch (a
 * player room's fence is its own account row).
 */
export const RoomWriter = defineEntity({
  name: 'RoomWriter',
  tableName: 'room_writers',
  properties: {
    id: p.text().primary(),
    epoch: p.bigint('number').default(0),
  },
});

export type IRoomWriter = InferEntity<typeof RoomWriter>;
