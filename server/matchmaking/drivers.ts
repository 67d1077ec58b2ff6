// The matchmaker's room caches, with the two operations RoomDirectory needs in constant time: read
// one room by id, and record a room unless its id is taken (atomically: that is what decides which
// of two creations of the same player room may load it). Colyseus' LocalDriver scans an array
// for a lookup by id; its RedisDriver has no atomic insert (a second write silently wins).
import { LocalDriver, initializeRoomCache, type IRoomCache, type MatchMakerDriver } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import type { Redis } from 'ioredis';

export type KeyedDriver = MatchMakerDriver & {
  findById(roomId: string): Promise<IRoomCache | undefined>;
  insert(room: IRoomCache): Promise<boolean>;
  /** Overwrites the record of a room this process already holds (a claim becoming the room). */
  replace(room: IRoomCache): Promise<void>;
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
    // Updates mutate the cached object in place (LocalDriver.update); only creation records.
    if (!create) return false;
    this.#add(room);
    return true;
  }

  async replace(room: IRoomCache): Promise<void> {
    this.remove(room.roomId);
    this.#add(room);
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

/** Services mode: every process's rooms in one Redis hash; HGET by id, HSETNX to record. */
export class AtomicRedisDriver extends RedisDriver implements KeyedDriver {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    super(redis);
    this.#redis = redis;
  }

  async findById(roomId: string): Promise<IRoomCache | undefined> {
    const raw = await this.#redis.hget(ROOM_CACHES, roomId);
    return raw ? initializeRoomCache(JSON.parse(raw)) : undefined;
  }

  async insert(room: IRoomCache): Promise<boolean> {
    return (await this.#redis.hsetnx(ROOM_CACHES, room.roomId, JSON.stringify(room))) === 1;
  }

  async replace(room: IRoomCache): Promise<void> {
    await this.persist(room);
  }
}
