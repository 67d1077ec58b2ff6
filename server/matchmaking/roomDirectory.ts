// The matchmaker's driver, in front of the room cache: a player's room has a fixed id,
// `player_<userId>`, so finding it is one lookup by key however many rooms exist (Colyseus would
// filter every room's cache entry; its Redis driver reads the whole hash per lookup), and a
// creation first *claims* that id in the cache (an atomic insert-if-absent), before the room loads
// and takes the fence. A second creation of the same player room, from a client's joinOrCreate,
// another room's owner call (playerRooms.ts) or another process, finds the claim, waits for the
// room to be up, and hands its caller to it: one room, one load, no fenced duplicate. Since the id
// is reused, a record is changed or removed only by the instance it describes (drivers.ts), and a
// process never runs two instances of one id (Colyseus keeps one room per id per process: the old
// one's disposal would unlist the new one): asked to create a room it already runs, unlisted, it
// lists that one again; one going away, it waits for it to go.
// Same code in embedded mode (IndexedLocalDriver) and services mode (AtomicRedisDriver).
import { initializeRoomCache, matchMaker, RoomInternalState, type IRoomCache, type MatchMakerDriver, type SortOptions } from '@colyseus/core';
import { setTimeout as delay } from 'node:timers/promises';
import { RoomName } from '../../shared/protocol.ts';
import type { KeyedDriver, RoomInstance } from './drivers.ts';

export function playerRoomId(userId: string): string {
  // The transports route only [A-Za-z0-9_-] room ids. A generated id (9 random characters of that
  // alphabet) would have to begin with "player_" to collide: one chance in 64^7 per room.
  return `${RoomName.player}_${userId}`;
}

/** This process's room instance of an id: its listing, and whether it takes clients (not locked or going away). */
export type LocalRoom = { listing: IRoomCache; open: boolean };

/** This process's room of `roomId` from Colyseus' matchmaker, which keeps the listing and the state private. */
export function localRoom(roomId: string): LocalRoom | undefined {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as { _listing: IRoomCache; _internalState: RoomInternalState } | undefined;
  return room && { listing: room._listing, open: room._internalState === RoomInternalState.CREATED && !room._listing.locked };
}

/** How room lookups were answered: `direct` by key, `scan` by filtering the cache. */
export type LookupCounter = (kind: 'direct' | 'scan') => void;

/**
 * What a creation of a player room should do: load it (`mine`, the claim is held), step aside for
 * the room that is up (`theirs`), or give up (`stuck`: a claim that never became a room, e.g. its
 * process died mid-creation and the matchmaker's health check has not removed it yet).
 */
export type ClaimOutcome = 'mine' | 'theirs' | 'stuck';

const CLAIM_POLL_MS = 10;

export class RoomDirectory implements MatchMakerDriver {
  readonly #cache: KeyedDriver;
  readonly #count: LookupCounter;
  /**
   * Claims this process holds, until the room is recorded or given up, by room id: the creation
   * holding it, known by its listing's metadata object (the one its record will carry), and the
   * claim's own record.
   */
  readonly #claimed = new Map<string, { creation: object; claim: RoomInstance }>();
  /** Creations that stepped aside (by the same token): their record must not land. */
  readonly #stepAside = new WeakSet<object>();

  readonly #isAlive: (processId: string) => Promise<boolean>;
  readonly #local: (roomId: string) => LocalRoom | undefined;

  /**
   * `isAlive` health-checks a process (and, when it is dead, removes its rooms from the cache);
   * `local` is this process's room instance with that id, while it has one (disposing included).
   */
  constructor(cache: KeyedDriver, count: LookupCounter, isAlive: (processId: string) => Promise<boolean>, local: (roomId: string) => LocalRoom | undefined) {
    this.#cache = cache;
    this.#count = count;
    this.#isAlive = isAlive;
    this.#local = local;
  }

  /**
   * Claims `roomId` for a room of this process, or waits (bounded) until whoever holds it has a
   * room that accepts clients. A claim is a cache entry marked private, so no lookup offers it.
   * `creation` is the creating room's listing metadata (Room#metadata in onCreate): the record the
   * matchmaker inserts afterwards carries that same object, which tells the creations apart.
   */
  async claim(roomId: string, name: string, processId: string, waitMs: number, creation: object): Promise<ClaimOutcome> {
    const deadline = Date.now() + waitMs;
    let checked = false;
    for (;;) {
      const local = this.#local(roomId);
      if (local?.open) {
        // This process's room of that id is up but not listed (Redis lost its record, nothing
        // listed it again yet): list it again and hand the caller to it.
        await this.#cache.insert(local.listing);
        this.#stepAside.add(creation);
        return 'theirs';
      }
      // This process's previous room of that id is still going away: wait for it.
      const claim = local ? undefined : initializeRoomCache({ roomId, name, processId, private: true, locked: true });
      if (claim && (await this.#cache.insert(claim))) {
        this.#claimed.set(roomId, { creation, claim });
        return 'mine';
      }
      const held = await this.#cache.findById(roomId);
      // A locked room is being fenced out or shut down: wait for it to go, then claim.
      if (held && !held.private && !held.locked) {
        this.#stepAside.add(creation);
        return 'theirs';
      }
      if (Date.now() >= deadline) {
        // A claim left by a process that died mid-creation: the health check clears it, once.
        if (!checked && held && held.processId !== processId) {
          checked = true;
          if (!(await this.#isAlive(held.processId))) continue;
        }
        return 'stuck';
      }
      await delay(CLAIM_POLL_MS);
    }
  }

  /** A claimed creation failed (storage down): free the id for the next attempt. */
  async release(roomId: string, creation: object): Promise<void> {
    const held = this.#claimed.get(roomId);
    if (held?.creation !== creation) return;
    this.#claimed.delete(roomId);
    await this.#cache.removeInstance(roomId, held.claim);
  }

  // ---- MatchMakerDriver ----

  has(roomId: string) {
    return this.#cache.has(roomId);
  }

  query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions) {
    this.#count('scan');
    return this.#cache.query(conditions, sortOptions);
  }

  cleanup(processId: string) {
    return this.#cache.cleanup?.(processId) ?? Promise.resolve();
  }

  findByIds(roomIds: string[]) {
    return this.#cache.findByIds(roomIds);
  }

  async findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
    const roomId = conditions.roomId ?? keyOf(conditions);
    if (roomId === undefined) {
      this.#count('scan');
      return this.#cache.findOne(conditions, sortOptions);
    }
    this.#count('direct');
    const room = await this.#cache.findById(roomId);
    return (room && matches(room, conditions) ? room : undefined) as IRoomCache;
  }

  /** Called by the matchmaker once a created room's onCreate finished. */
  async insert(room: IRoomCache): Promise<boolean> {
    const creation = room.metadata as object | undefined;
    if (creation && this.#stepAside.delete(creation)) {
      // This creation did not load (ClaimOutcome `theirs`): the matchmaker discards it and hands
      // its caller to the room recorded under the id (or retries if that one went meanwhile).
      return false;
    }
    const held = this.#claimed.get(room.roomId);
    if (creation && held?.creation === creation) {
      this.#claimed.delete(room.roomId);
      // The claim is gone if Redis lost it and another creation won the id meanwhile: this one is
      // then discarded like a duplicate (its writer is disposed; the winner holds the fence).
      return this.#cache.replaceInstance(room, held.claim);
    }
    return this.#cache.insert(room);
  }

  update(room: IRoomCache, operations: Parameters<MatchMakerDriver['update']>[1]) {
    return this.#cache.update(room, operations);
  }

  persist(room: IRoomCache, create?: boolean) {
    return this.#cache.persist(room, create);
  }

  /** Colyseus removes by id (a room disconnecting or disposed): only that instance's record goes. */
  remove(roomId: string) {
    this.#claimed.delete(roomId);
    const local = this.#local(roomId);
    return local ? this.#cache.removeInstance(roomId, local.listing) : this.#cache.remove(roomId);
  }

  clear() {
    return this.#cache.clear();
  }

  shutdown() {
    return this.#cache.shutdown?.();
  }
}

/** The fixed id a lookup is asking for, when it asks for a player's room by user. */
function keyOf(conditions: Partial<IRoomCache>): string | undefined {
  const userId = (conditions as { userId?: unknown }).userId;
  return conditions.name === RoomName.player && typeof userId === 'string' ? playerRoomId(userId) : undefined;
}

/** The remaining conditions, as Colyseus' own query applies them (a field, else a metadata field). */
function matches(room: IRoomCache, conditions: Partial<IRoomCache>): boolean {
  for (const [field, wanted] of Object.entries(conditions)) {
    const value = Object.hasOwn(room, field) ? (room as unknown as Record<string, unknown>)[field] : (room.metadata as Record<string, unknown> | undefined)?.[field];
    if (value !== wanted) return false;
  }
  return true;
}
