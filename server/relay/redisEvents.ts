// The relay's Redis side (services mode): one Redis Stream holds every committed event, trimmed
// with MAXLEN ~; each process reads all of it through its own consumer group.
//
// Redis may lose everything (a restart without persistence, FLUSHALL). The publisher notices by a
// marker key it sets only when missing: finding it gone means the stream went with it, and the relay
// publishes its recent rows again from PostgreSQL. A consumer whose group vanished (NOGROUP)
// recreates it at the start of the stream and so reads that replay; what it had already passed on
// is dropped by the event bus, what it missed fills its gaps.
import type { Redis } from 'ioredis';
import type { WireEvent } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import type { RelaySink } from './outboxRelay.ts';

/**
 * The keys under REDIS_KEY_PREFIX. (Spelled out rather than left to ioredis' keyPrefix, which
 * does not find the key inside every stream command: XGROUP CREATE would miss it.)
 */
export function relayKeys(keyPrefix: string) {
  return { events: `${keyPrefix}events`, marker: `${keyPrefix}relay:marker` };
}

export function redisSink(redis: Redis, keyPrefix: string, maxLen: number): RelaySink {
  const keys = relayKeys(keyPrefix);
  return {
    async lostData() {
      return (await redis.set(keys.marker, new Date().toISOString(), 'NX')) === 'OK';
    },
    async publish(events) {
      const batch = redis.multi();
      for (const event of events) batch.xadd(keys.events, 'MAXLEN', '~', maxLen, '*', 'e', JSON.stringify(event));
      const results = await batch.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('the Redis transaction was discarded');
    },
  };
}

export type ConsumerOptions = {
  keyPrefix: string;
  /** The consumer group: one per process identity (PUBLIC_ADDRESS, or host:port). */
  group: string;
  /** This incarnation of the process. */
  consumer: string;
  deliver: (events: WireEvent[]) => void;
  logger: Logger;
  /** Entries left pending this long by a consumer (a dead incarnation) are claimed. */
  claimIdleMs?: number;
};

type Entry = [id: string, fields: string[]];

export class RedisEventConsumer {
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  readonly #redis: Redis;
  readonly #options: Required<ConsumerOptions>;
  readonly #stream: string;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #lastClaim = 0;

  constructor(redis: Redis, options: ConsumerOptions) {
    this.#redis = redis;
    // Connection errors also fail the read in flight, which #run logs once per outage; without a
    // listener ioredis would print an "Unhandled error event" stack on every reconnect attempt.
    this.#redis.on('error', () => undefined);
    this.#options = { claimIdleMs: 30_000, ...options };
    this.#stream = relayKeys(options.keyPrefix).events;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#redis.disconnect();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let failures = 0;
    let groupFrom: '$' | '0' = '$';
    let haveGroup = false;
    let groupLost = 0;
    while (!this.#stopped) {
      try {
        if (!haveGroup) {
          await this.#createGroup(groupFrom);
          haveGroup = true;
        }
        if (Date.now() - this.#lastClaim >= this.#options.claimIdleMs) await this.#claimAbandoned();
        const reply = (await this.#redis.xreadgroup('GROUP', this.#options.group, this.#options.consumer, 'COUNT', 1000, 'BLOCK', 1000, 'STREAMS', this.#stream, '>')) as [string, Entry[]][] | null;
        if (reply) await this.#handle(reply[0][1]);
        failures = 0;
        groupLost = 0;
      } catch (error) {
        if (this.#stopped) break;
        if (/NOGROUP|no longer exists/i.test(String((error as Error).message))) {
          // Redis lost the stream and the group with it: read the relay's replay from the start.
          if (groupLost++ === 0) this.#options.logger.warn({ group: this.#options.group }, 'relay consumer group is gone (Redis lost its data); reading the stream from the start');
          haveGroup = false;
          groupFrom = '0';
          if (groupLost === 1) continue;
        }
        if (failures++ === 0) this.#options.logger.warn({ err: error }, 'relay consumer cannot read from Redis; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** failures)));
      }
    }
  }

  async #createGroup(from: '$' | '0'): Promise<void> {
    try {
      await this.#redis.xgroup('CREATE', this.#stream, this.#options.group, from, 'MKSTREAM');
    } catch (error) {
      if (!/BUSYGROUP/.test(String((error as Error).message))) throw error;
    }
  }

  /** Entries another consumer of this group read and never acknowledged (it died). */
  async #claimAbandoned(): Promise<void> {
    this.#lastClaim = Date.now();
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.#redis.xautoclaim(this.#stream, this.#options.group, this.#options.consumer, this.#options.claimIdleMs, cursor, 'COUNT', 1000)) as [string, Entry[]];
      await this.#handle(entries.filter((entry) => entry[1] !== null));
      cursor = next;
    } while (cursor !== '0-0' && !this.#stopped);
  }

  async #handle(entries: Entry[]): Promise<void> {
    if (entries.length === 0) return;
    const events: WireEvent[] = [];
    for (const [, fields] of entries) {
      const at = fields.indexOf('e');
      if (at >= 0) events.push(JSON.parse(fields[at + 1]) as WireEvent);
    }
    this.#options.deliver(events);
    await this.#redis.xack(this.#stream, this.#options.group, ...entries.map(([id]) => id));
  }
}
