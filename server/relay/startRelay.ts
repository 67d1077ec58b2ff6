// Wires the relay of one process. Services mode with Redis: the outbox goes to a Redis Stream and
// this process reads the stream back through its own consumer group, like every other process.
// Without Redis (embedded, or one process on PostgreSQL) there is no relay: the rooms' own
// delivery to the bus after each commit is all there is.
import type { Redis } from 'ioredis';
import type { WireEvent } from '../../shared/protocol.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { outboxStreamReader } from '../store/outboxReader.ts';
import type { Sql } from '../store/sql.ts';
import { EventBus } from './eventBus.ts';
import { OutboxRelay } from './outboxRelay.ts';
import { RedisEventConsumer, redisSink } from './redisEvents.ts';

export type RelayRuntime = {
  bus: EventBus;
  /** Publishes what is committed, then stops reading and publishing. */
  stop(): Promise<void>;
};

export type RelaySettings = {
  /** This process among the others: it names its consumer group. */
  identity: string;
  pollMs: number;
  streamMaxLen: number;
  /** A connection for the relay (no keyPrefix); the consumer duplicates it for its blocking reads. */
  redis: Redis | undefined;
  keyPrefix: string;
};

export function startRelay(sql: Sql, settings: RelaySettings, logger: Logger, metrics: Metrics): RelayRuntime {
  const bus = new EventBus(outboxStreamReader(sql), (error) => logger.warn({ err: error }, 'event bus could not read the outbox'));
  const lag = (stage: 'published' | 'delivered', events: readonly WireEvent[]) => {
    const now = Date.now();
    for (const event of events) metrics.relayLag.observe({ stage }, Math.max(0, now - Date.parse(event.at)) / 1000);
  };
  const onRelayed = (events: readonly WireEvent[]) => {
    metrics.relayedEvents.inc(events.length);
    lag('published', events);
  };
  const onRelayError = (error: unknown) => logger.warn({ err: error }, 'outbox relay failed; retrying');

  // One process (embedded, or PostgreSQL without Redis): rooms hand their committed events to the
  // bus themselves; there is nobody else to relay to. (A polling relay on PGlite would also share
  // its one session with the commit pipeline.)
  if (!settings.redis) return { bus, stop: async () => undefined };

  const relay = new OutboxRelay(sql, redisSink(settings.redis, settings.keyPrefix, settings.streamMaxLen), {
    name: 'redis',
    replayRows: Math.min(settings.streamMaxLen, 10_000),
    onRelayed,
    // The marker is missing on a Redis that never saw this deployment, or that lost its data.
    onReplay: (rows) => {
      metrics.relayReplays.inc(rows);
      if (rows > 0) logger.warn({ rows }, 'Redis had lost the event stream; published the recent outbox again');
    },
  });
  // Its own connection, waiting for Redis rather than failing fast: XREADGROUP BLOCK holds it.
  const consumer = new RedisEventConsumer(settings.redis.duplicate({ lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: null }), {
    keyPrefix: settings.keyPrefix,
    group: `process:${settings.identity}`,
    consumer: `${settings.identity}:${process.pid}`,
    logger,
    deliver: (events) => {
      lag('delivered', events);
      bus.deliver(events);
    },
  });
  relay.start(settings.pollMs, onRelayError);
  consumer.start();
  return {
    bus,
    async stop() {
      await relay.stop();
      await consumer.stop();
    },
  };
}
