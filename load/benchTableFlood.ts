// The crash table half of the noisy-neighbour phase of `npm run bench`: players bet at a crash
// table as each round opens, for some rounds quietly, then for as many with one account flooding
// the same table at its limits: its sockets each at just under the per-socket rate, together
// under four times the account's budget (so none is closed), alternating cash-outs without a bet
// and events.sync from seq 0. One account like that once froze a table (another player's bet got
// no reply in 15 s, a 2 s betting phase lasted 28 s). The figure is the others' bet p99 with the
// flood next to their p99 without it, and the longest betting phase seen; default limits.
import { CrashCommandType, DEFAULT_CRASH_TABLE } from '../shared/crashCommands.ts';
import { EventType } from '../shared/events.ts';
import { RoomName, type WireEvent } from '../shared/protocol.ts';
import { newId, signInGuest } from '../tests/support/client.ts';
import { startServer } from '../tests/support/server.ts';
import { percentile } from './baseline.ts';
import { bettingRounds, seatAtTable } from './benchCrash.ts';
import { DEFAULT_LIMITS, FLOOD_PER_SOCKET } from './benchNoisyNeighbour.ts';
import { ProtocolRoom } from './protocolClient.ts';

const BETTING_MS = 1000;
const TIMING = { CRASH_BETTING_MS: String(BETTING_MS), CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2' };
const PLAYERS = 25;
/** 8 x 45/s = 360/s: past the account's 100/s, under the 400/s that closes its sockets. */
const FLOOD_SOCKETS = 8;

export type TableFloodFigure = { quietP99: number; noisyP99: number; quietP50: number; noisyP50: number; samples: number; longestBettingMs: number; bettingMs: number; floodSent: number; floodAcked: number; floodLimited: number; floodClosed: number };

export async function tableFlood(databaseUrl: string, rounds: number, fund: (userIds: string[], amount: number) => Promise<void>): Promise<TableFloodFigure> {
  const server = await startServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', ...DEFAULT_LIMITS, ...TIMING });
  const rooms: ProtocolRoom[] = [];
  try {
    const [flooder, ...players] = await Promise.all(Array.from({ length: PLAYERS + 1 }, () => signInGuest(server.url)));
    await fund(players.map((p) => p.userId), 1_000_000);
    const tables = await seatAtTable(server.url, players, rooms);
    const floodTabs = await Promise.all(Array.from({ length: FLOOD_SOCKETS }, () => ProtocolRoom.join(server.url, flooder.token, RoomName.crash, { table: DEFAULT_CRASH_TABLE })));
    rooms.push(...floodTabs);
    const phases = bettingPhases(tables[0]);
    const betting = bettingRounds(tables[1]);
    const quiet = await betRounds(tables, betting, rounds);
    phases.longest = 0;
    const flood = startFlood(floodTabs);
    const noisy = await betRounds(tables, betting, rounds);
    const counts = await flood.stop();
    return { quietP99: quiet.p99, noisyP99: noisy.p99, quietP50: quiet.p50, noisyP50: noisy.p50, samples: Math.min(quiet.samples, noisy.samples), longestBettingMs: phases.longest, bettingMs: BETTING_MS, ...counts };
  } finally {
    for (const room of rooms) room.close();
    await server.stop();
  }
}

/** Every player bets as each of `rounds` rounds opens; the ack latencies (a refused bet counts as answered). */
async function betRounds(tables: ProtocolRoom[], betting: { next(): Promise<void> }, rounds: number): Promise<{ p50: number; p99: number; samples: number }> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await betting.next();
    const started = performance.now();
    await Promise.all(tables.map((t) => t.send(CrashCommandType.bet, newId(), { amount: 10 }).then(() => void samples.push(performance.now() - started))));
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), samples: samples.length };
}

/** The longest betting phase seen, by the table's clock: from its start to the round running. */
function bettingPhases(table: ProtocolRoom): { longest: number } {
  const seen = { longest: 0 };
  let opened: { roundId: number; endsAt: number } | undefined;
  table.onEvent = (event: WireEvent) => {
    if (event.type !== EventType.crashRound) return;
    const data = event.data as { phase?: string; roundId?: number; endsAt?: number };
    if (data.phase === 'betting') opened = { roundId: data.roundId ?? -1, endsAt: data.endsAt ?? 0 };
    else if (data.phase === 'running' && opened && data.roundId === opened.roundId) {
      seen.longest = Math.max(seen.longest, Date.parse(event.at) - opened.endsAt + BETTING_MS);
      opened = undefined;
    }
  };
  return seen;
}

function startFlood(tabs: ProtocolRoom[]): { stop(): Promise<{ floodSent: number; floodAcked: number; floodLimited: number; floodClosed: number }> } {
  const counts = { floodSent: 0, floodAcked: 0, floodLimited: 0, floodClosed: 0 };
  const pending: Promise<void>[] = [];
  const timers = tabs.map((tab, t) => {
    let n = 0;
    return setInterval(() => {
      n++;
      counts.floodSent++;
      const [type, fields] = (n + t) % 2 === 0 ? [CrashCommandType.cashout, {}] : [CrashCommandType.eventsSync, { afterSeq: 0 }];
      pending.push(
        tab.send(type, newId(), fields).then((reply) => {
          if ('ack' in reply) counts.floodAcked++;
          else if (reply.nack.code === 'RATE_LIMITED') counts.floodLimited++;
          else if (reply.nack.code === 'UNAVAILABLE' && /closed/.test(reply.nack.message)) counts.floodClosed++;
        }),
      );
    }, 1000 / FLOOD_PER_SOCKET);
  });
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(pending);
      return counts;
    },
  };
}
