// Redis in services mode. Colyseus' matchmaker cannot start without it, so a process whose Redis
// does not answer yet waits for it (saying so) instead of exiting: PostgreSQL stays the truth,
// Redis may come up later than the process.
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.ts';

/**
 * A connection that fails fast while Redis is away (readiness, the relay), opened once Redis
 * answers. Retries every second, logging the first failure and every 30th.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  for (let attempt = 0; ; attempt++) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
    try {
      await redis.connect();
      if (attempt > 0) logger.info({ attempts: attempt + 1 }, 'redis answers; starting');
      return redis;
    } catch (error) {
      redis.disconnect();
      if (attempt % 30 === 0) logger.warn({ err: error, host: new URL(url).host }, 'waiting for Redis: the matchmaker needs it to start');
      await delay(1000);
    }
  }
}

/**
 * A client for Colyseus' matchmaker driver or presence (`role`). Colyseus' driver attaches no
 * 'error' listener, and ioredis prints an "Unhandled error event" stack for every failed
 * reconnect while Redis is away; this one logs the outage once and its end once. ioredis keeps
 * reconnecting on its own.
 */
export function colyseusRedis(url: string, keyPrefix: string, role: 'matchmaker' | 'presence', logger: Logger): Redis {
  const redis = new Redis(url, { keyPrefix });
  let away = false;
  redis.on('error', (error) => {
    if (away) return;
    away = true;
    logger.warn({ err: error, role }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!away) return;
    away = false;
    logger.info({ role }, 'redis connection back');
  });
  return redis;
}
