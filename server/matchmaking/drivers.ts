// The matchmaker's room caches, with the operations RoomDirectory needs in constant time: read one
// room by id, record a room unless its id is taken (atomically: that is what decides which of two
// creations of the same player room may load it), and change or remove a record only when it is
// still the one of the room instance asking. A player room's id is reused: when a newer instance
// has taken the fence, the old one still sends its listing updates and, when it goes, removes its
// id; done blindly (as Colyseus' drivers do) that overwrote or deleted the newer room's record, the
// next join created a third room, which fenced the second, and so on, once a second, for good.
// Colyseus' LocalDriver scans an array for a lookup by id; its RedisDriver has no atomic insert (a
// second write silently wins).
import { LocalDriver, initializeRoomCache, type IRoomCache, type MatchMakerDriver } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import type { Redis } from 'ioredis';

/** Which instance of a room a record describes: its process and its creation time. */
export type RoomInstance = Pick<IRoomCache, 'processId' | 'createdAt'>;

export function sameInstance(a: RoomInstance, b: RoomInstance): boolean {
  return a.processId === b.processId && instant(a.createdAt) === instant(b.createdAt);
}

function instant(at: IRoomCache['createdAt']): number {
  return new Date(at as Date).getTime();
}

export type KeyedDriver = MatchMakerDriver & {
  findById(roomId: string): Promise<IRoomCache | undefined>;
  insert(room: IRoomCache): Promise<boolean>;
  /** Overwrites `previous`'s record (a claim becoming the room); false when it is not there any more. */
  replaceInstance(room: IRoomCache, previous: RoomInstance): Promise<boolean>;
  /** Removes the record of `roomId` if it is still `instance`'s. */
  removeInstance(roomId: string, instance: RoomInstance): Promise<boolean>;
};

/** Embedded mode: one process, the rooms in memory, indexed by id (`rooms` stays for queries). */
export class IndexedLocalDriver extends LocalDriver implements KeyedDriver {
  readonly #byId = new Map<string, IRoomCache>();

  override has(roomId: string): boolean {
    return this.#byId.has(roomId);
  }

  async findById(roomId: string): Promise<IRoomCache | undefined> {
    return this.#byId.get(roomId);
  }

  override findOne(conditions: Partial<IRoomCache>, sortOptions?: Parameters<LocalDriver['findOne']>[1]) {
    if (typeof conditions.roomId === 'string' && Object.keys(conditions).length === 1) return Promise.resolve(this.#byId.get(conditions.roomId)) as ReturnType<LocalDriver['findOne']>;
    return super.findOne(conditions, sortOptions);
  }

  override async insert(room: IRoomCache): Promise<boolean> {
    if (this.#byId.has(room.roomId)) return false;
    this.#add(room);
    return true;
  }

  override persist(room: IRoomCache, create = false): boolean {
    // Updates mutate the cached object in place (LocalDriver.update); only creation records, and
    // never over another instance's record.
    if (!create || this.#byId.has(room.roomId)) return false;
    this.#add(room);
    return true;
  }

  async replaceInstance(room: IRoomCache, previous: RoomInstance): Promise<boolean> {
    const held = this.#byId.get(room.roomId);
    if (!held || !sameInstance(held, previous)) return false;
    this.remove(room.roomId);
    this.#add(room);
    return true;
  }

  async removeInstance(roomId: string, instance: RoomInstance): Promise<boolean> {
    const held = this.#byId.get(roomId);
    return held !== undefined && sameInstance(held, instance) && this.remove(roomId);
  }

  override remove(roomId: string): boolean {
    const held = this.#byId.get(roomId);
    if (!held) return false;
    // Swap-remove: order in `rooms` carries no meaning (queries sort explicitly).
    const index = this.rooms.indexOf(held);
    const last = this.rooms.pop()!;
    if (index >= 0 && last !== held) this.rooms[index] = last;
    this.#byId.delete(roomId);
    return true;
  }

  override clear(): void {
    this.rooms = [];
    this.#byId.clear();
  }

  #add(room: IRoomCache): void {
    this.rooms.push(room);
    this.#byId.set(room.roomId, room);
  }
}

/** Colyseus' Redis room cache hash (RedisDriver's ROOMCACHES_KEY). */
const ROOM_CACHES = 'roomcaches';

/**
 * Writes (ARGV[4]) or, when ARGV[4] is empty, deletes the record ARGV[1] if it is the instance
 * ARGV[2] (processId) / ARGV[3] (createdAt, ISO); a missing record is written only if ARGV[5] is
 * '1'. Returns 1 when it wrote or deleted.
 */
const WRITE_IF_INSTANCE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then
  if ARGV[5] == '1' and ARGV[4] ~= '' then
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
    return 1
  end
  return 0
end
local record = cjson.decode(current)
if record.processId ~= ARGV[2] or record.createdAt ~= ARGV[3] then return 0 end
if ARGV[4] == '' then return redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
return 1
`;

type WriteIfInstance = (key: string, roomId: string, processId: string, createdAt: string, value: string, mayCreate: '0' | '1') => Promise<number>;

/** Services mode: every process's rooms in one Redis hash; HGET by id, HSETNX to record. */
export class AtomicRedisDriver extends RedisDriver implements KeyedDriver {
  readonly #redis: Redis;
  readonly #writeIfInstance: WriteIfInstance;

  constructor(redis: Redis) {
    super(redis);
    this.#redis = redis;
    // A defined command: EVALSHA, and the client's keyPrefix applied to the key.
    redis.defineCommand('cofferWriteIfInstance', { numberOfKeys: 1, lua: WRITE_IF_INSTANCE });
    this.#writeIfInstance = (redis as unknown as { cofferWriteIfInstance: WriteIfInstance }).cofferWriteIfInstance.bind(redis);
  }

  async findById(roomId: string): Promise<IRoomCache | undefined> {
    const raw = await this.#redis.hget(ROOM_CACHES, roomId);
    return raw ? initializeRoomCache(JSON.parse(raw)) : undefined;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    return (await this.#redis.hsetnx(ROOM_CACHES, room.roomId, JSON.stringify(room))) === 1;
  }

  /** A listing change (clients, locked...): written only over this instance's own record, or
   *  where there is none (Redis lost it) for a room still open. */
  override async update(room: IRoomCache, operations: Parameters<MatchMakerDriver['update']>[1]): Promise<boolean> {
    Object.assign(room, operations.$set ?? {});
    for (const [field, by] of Object.entries(operations.$inc ?? {})) (room as unknown as Record<string, number>)[field] += by as number;
    return this.#write(room.roomId, room, JSON.stringify(room), !room.locked);
  }

  /** Creation (Colyseus restoring records Redis lost) never overwrites another instance's record. */
  override async persist(room: IRoomCache, create = false): Promise<boolean> {
    if (!room.roomId) return false;
    if (create) return this.insert(room);
    return this.#write(room.roomId, room, JSON.stringify(room), !room.locked);
  }

  async replaceInstance(room: IRoomCache, previous: RoomInstance): Promise<boolean> {
    return this.#write(room.roomId, previous, JSON.stringify(room), false);
  }

  async removeInstance(roomId: string, instance: RoomInstance): Promise<boolean> {
    return this.#write(roomId, instance, '', false);
  }

  async #write(roomId: string, instance: RoomInstance, value: string, mayCreate: boolean): Promise<boolean> {
    const at = new Date(instance.createdAt as Date).toISOString();
    return (await this.#writeIfInstance(ROOM_CACHES, roomId, instance.processId, at, value, mayCreate ? '1' : '0')) === 1;
  }
}
