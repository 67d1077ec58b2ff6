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
