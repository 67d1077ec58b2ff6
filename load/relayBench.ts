// `npm run bench:relay [-- --quick] [-- --seconds S]`
// The outbox relay in services mode: one Coffer process (relay, Redis consumer, a player room), a
// WebSocket client in that room, and this process committing `global` events straight into the
// outbox as another writer would. Prints:
// - relay throughput: a backlog of committed rows published to Redis, events/s, against raw
//   pipelined XADD of the same events into Redis (the baseline, measured in the same run);
// - commit -> client latency p50/p99 at 1k and 5k events/s (commit time = the row's
//   clock_timestamp(); client time = when the WebSocket frame arrived; one machine, one clock).
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { GLOBAL_STREAM, RoomName, type WireEvent } from '../shared/protocol.ts';
import { signInGuest } from '../tests/support/client.ts';
import { createTestDatabase, pgClient } from '../tests/support/db.ts';
import { migrate, startServer } from '../tests/support/server.ts';
import { percentile } from './baseline.ts';
import { ProtocolRoom } from './protocolClient.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, seconds: { type: 'string' } } });
const seconds = Number(values.seconds ?? (values.quick ? 2 : 10));
const backlog = values.quick ? 5_000 : 50_000;
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const db = await createTestDatabase('coffer_bench_relay');
const keyPrefix = `bench:${new URL(db.url).pathname.slice(1)}:`;
const redis = new Redis(redisUrl);
const writer = pgClient(db.url);
try {
  await migrate(db.url);
  await writer.connect();
  console.log(`# Coffer relay bench: backlog ${backlog} events, ${seconds} s per rate`);

  const xaddPerSecond = await rawXadd(redis, `${keyPrefix}baseline`, backlog);
  console.log(`baseline (pipelined XADD of the same events, batches of 1000): ${xaddPerSecond.toFixed(0)} events/s`);

  const server = await startServer({ DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix, LOG_LEVEL: 'error' });
  try {
    const me = await signInGuest(server.url);
    const tab = await ProtocolRoom.join(server.url, me.token, RoomName.player);
    const latencies: number[] = [];
    let received = 0;
    let waiter: (() => void) | undefined;
    let waitingFor = 0;
    tab.onEvent = (event: WireEvent) => {
      if (event.stream !== GLOBAL_STREAM) return;
      latencies.push(Date.now() - Date.parse(event.at));
      received++;
      if (waiter && received >= waitingFor) waiter();
    };
    const arrived = (count: number) => new Promise<void>((resolve) => ((waitingFor = count), (waiter = resolve), received >= count && resolve()));

    let seq = 0;
    const commit = async (rows: number) => {
      await writer.query(
        `INSERT INTO outbox (stream, seq, type, payload, created_at)
         SELECT 'global', s, 'announcement', jsonb_build_object('text', 'relay bench ' || s), clock_timestamp() FROM generate_series($1::bigint, $2::bigint) AS s`,
        [seq + 1, seq + rows],
      );
      seq += rows;
    };

    // Throughput: one committed backlog, timed until the relay has published all of it.
    const before = await relayed(server.url);
    const started = performance.now();
    await commit(backlog);
    while ((await relayed(server.url)) < before + backlog) await new Promise((r) => setTimeout(r, 5));
    const relaySeconds = (performance.now() - started) / 1000;
    await arrived(seq);
    const deliveredSeconds = (performance.now() - started) / 1000;
    const relayPerSecond = backlog / relaySeconds;
    console.log(`relay throughput: ${relayPerSecond.toFixed(0)} events/s published (${(relayPerSecond / xaddPerSecond).toFixed(2)}x raw XADD); ${(backlog / deliveredSeconds).toFixed(0)} events/s through to the client`);

    for (const rate of [1000, 5000]) {
      latencies.length = 0;
      const first = seq;
      const t0 = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate) - (seq - first);
        if (due > 0) await commit(due);
        await new Promise((r) => setTimeout(r, 2));
      }
      await arrived(seq);
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(
        `commit -> client on the relay's process at ${rate}/s offered (${((seq - first) / seconds).toFixed(0)}/s committed): p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p99 ${percentile(sorted, 0.99).toFixed(0)} ms, max ${sorted.at(-1)} ms over ${sorted.length} events (goal p99 <= 30 ms at 5k/s)`,
      );
    }
    tab.close();
  } finally {
    await server.stop();
  }
} finally {
  await writer.end().catch(() => undefined);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await db.drop();
}

async function relayed(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^coffer_relay_events_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function rawXadd(client: Redis, key: string, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const batch = client.multi();
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      const event = { stream: GLOBAL_STREAM, seq: j + 1, type: 'announcement', at: new Date().toISOString(), data: { text: `relay bench ${j + 1}` } };
      batch.xadd(key, 'MAXLEN', '~', 100_000, '*', 'e', JSON.stringify(event));
    }
    await batch.exec();
  }
  return count / ((performance.now() - started) / 1000);
}
