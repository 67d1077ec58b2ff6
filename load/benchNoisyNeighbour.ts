// The noisy-neighbour phase of `npm run bench`: one account floods at its limits (every
// socket it may open, each at just under the per-socket rate, half paid games and half events.sync
// from seq 0), while other players play at a steady pace. The figure is their ack p99 with the
// flood, divided by their p99 in the same run without it; the bar is 2x. Five of them at 20/s give
// 1,000 samples in 10 s: a p99 over the 200 of one player was close to a maximum, and swung from
// 0.35x to 2.04x between runs of the same code. The server
// runs with the default limits (unlike the throughput phases, which lift them).
import { CommandType } from '../shared/commandNames.ts';
import { RoomName } from '../shared/protocol.ts';
import { newId, signInGuest } from '../tests/support/client.ts';
import { startServer } from '../tests/support/server.ts';
import { percentile } from './baseline.ts';
import { ProtocolRoom } from './protocolClient.ts';

/** The defaults a deployment runs with (tests/support/server.ts lifts some for the test suite). */
export const DEFAULT_LIMITS = { RATE_LIMIT_PER_SECOND: '', USER_COMMANDS_PER_SECOND: '', MAX_SOCKETS_PER_USER: '', SYNC_BYTES_PER_SECOND: '', MAX_CONNECTIONS_PER_ADDRESS: '', ADDRESS_COMMANDS_PER_SECOND: '' };
/** Per socket, just under RATE_LIMIT_PER_SECOND's default 50. */
export const FLOOD_PER_SOCKET = 45;
const VICTIM_PER_SECOND = 20;
const VICTIMS = 5;

export type NoisyFigure = { quietP99: number; noisyP99: number; quietP50: number; noisyP50: number; /** Acks behind each p99. */ samples: number; floodSockets: number; floodSent: number; floodAcked: number; floodLimited: number };

export async function noisyNeighbour(databaseUrl: string, seconds: number, fund: (userIds: string[], amount: number) => Promise<void>): Promise<NoisyFigure> {
  const server = await startServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', ...DEFAULT_LIMITS });
  try {
    const [flooder, ...victims] = await Promise.all(Array.from({ length: VICTIMS + 1 }, () => signInGuest(server.url)));
    await fund([flooder.userId, ...victims.map((v) => v.userId)], 1_000_000_000);
    const victimTabs = await Promise.all(victims.map((victim) => ProtocolRoom.join(server.url, victim.token, RoomName.player)));
    // As many sockets as the account is allowed: the join past the limit is refused.
    const floodTabs: ProtocolRoom[] = [];
    for (;;) {
      const tab = await ProtocolRoom.join(server.url, flooder.token, RoomName.player).catch(() => undefined);
      if (!tab) break;
      floodTabs.push(tab);
      if (floodTabs.length >= 64) break;
    }
    const quiet = await pacedAll(victimTabs, seconds * 1000);
    const flood = startFlood(floodTabs);
    const noisy = await pacedAll(victimTabs, seconds * 1000);
    const counts = await flood.stop();
    for (const tab of [...victimTabs, ...floodTabs]) tab.close();
    return { quietP99: quiet.p99, noisyP99: noisy.p99, quietP50: quiet.p50, noisyP50: noisy.p50, samples: Math.min(quiet.samples, noisy.samples), floodSockets: floodTabs.length, ...counts };
  } finally {
    await server.stop();
  }
}

/** Every tab at VICTIM_PER_SECOND for `ms`, their latencies together. */
async function pacedAll(tabs: ProtocolRoom[], ms: number): Promise<{ p50: number; p99: number; samples: number }> {
  const latencies = (await Promise.all(tabs.map((tab) => paced(tab, VICTIM_PER_SECOND, ms)))).flat();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), samples: latencies.length };
}

async function paced(tab: ProtocolRoom, perSecond: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < Math.floor((perSecond * ms) / 1000); i++) {
    const delay = started + (i * 1000) / perSecond - performance.now();
    if (delay > 1) await new Promise((r) => setTimeout(r, delay));
    const sent = performance.now();
    pending.push(tab.send('game.rps', newId(), { bet: 1, hand: 'rock' }).then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(pending);
  return latencies;
}

function startFlood(tabs: ProtocolRoom[]): { stop(): Promise<{ floodSent: number; floodAcked: number; floodLimited: number }> } {
  let sent = 0;
  let acked = 0;
  let limited = 0;
  const pending: Promise<void>[] = [];
  const timers = tabs.map((tab, t) => {
    let n = 0;
    return setInterval(() => {
      n++;
      sent++;
      const [type, fields] = (n + t) % 2 === 0 ? ['game.rps', { bet: 1, hand: 'paper' }] : [CommandType.eventsSync, { afterSeq: 0 }];
      pending.push(
        tab.send(type, newId(), fields).then((reply) => {
          if ('ack' in reply) acked++;
          else if (reply.nack.code === 'RATE_LIMITED') limited++;
        }),
      );
    }, 1000 / FLOOD_PER_SOCKET);
  });
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(pending);
      return { floodSent: sent, floodAcked: acked, floodLimited: limited };
    },
  };
}
