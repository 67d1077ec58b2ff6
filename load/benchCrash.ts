// A crash table as a round opens, for `npm run bench`: `players` players, each with their own
// player room open (as the browser client keeps it), bet at the same moment at the start of each of
// `rounds` rounds. Their bets queue at the table's one writer (server/writers/serialWriter.ts): the
// figure is the bet ack latency across the burst, next to one bet sent alone on the same table in
// the same run, and the server's CPU per bet. Short phases (CRASH_BETTING_MS 2 s) keep rounds
// coming; the bench's own database, a server of its own.
import { CrashCommandType, DEFAULT_CRASH_TABLE } from '../shared/crashCommands.ts';
import { EventType } from '../shared/events.ts';
import { RoomName, type WireEvent } from '../shared/protocol.ts';
import { newId, signInGuest } from '../tests/support/client.ts';
import { startServer } from '../tests/support/server.ts';
import { percentile } from './baseline.ts';
import { serverCpuSeconds } from './benchPhases.ts';
import { fund } from './benchServers.ts';
import { ProtocolRoom, type Reply } from './protocolClient.ts';

export type CrashBurstFigure = { players: number; rounds: number; p50: number; p99: number; max: number; aloneMs: number; cpuPerBetUs: number; refused: number };

/** Bets sent one at a time after the bursts, for the figure without a queue. */
const ALONE = 5;
const TIMING = { CRASH_BETTING_MS: '2000', CRASH_PAUSE_MS: '200', CRASH_GROWTH_PER_SECOND: '2' };

/**
 * Each player at the default table, with their own player room open too, as the browser client
 * keeps it (that room takes the stake); the table sockets in order. Every socket opened is pushed
 * to `rooms`, for the caller to close.
 */
export async function seatAtTable(url: string, sessions: readonly { token: string }[], rooms: ProtocolRoom[]): Promise<ProtocolRoom[]> {
  return Promise.all(
    sessions.map(async (s) => {
      rooms.push(await ProtocolRoom.join(url, s.token, RoomName.player));
      const table = await ProtocolRoom.join(url, s.token, RoomName.crash, { table: DEFAULT_CRASH_TABLE });
      rooms.push(table);
      return table;
    }),
  );
}

export async function crashBurst(databaseUrl: string, players: number, rounds: number): Promise<CrashBurstFigure> {
  const server = await startServer({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'error', RATE_LIMIT_PER_SECOND: '100000', ...TIMING });
  const rooms: ProtocolRoom[] = [];
  try {
    const sessions = await Promise.all(Array.from({ length: players + 1 }, () => signInGuest(server.url)));
    await fund(databaseUrl, sessions.map((s) => s.userId), 1_000_000);
    const tables = await seatAtTable(server.url, sessions, rooms);
    const [watcher] = tables;
    const betting = bettingRounds(watcher);
    const samples: number[] = [];
    let refused = 0;
    let cpu = 0;
    const bet = (table: ProtocolRoom): Promise<Reply> => table.send(CrashCommandType.bet, newId(), { amount: 10 });
    for (let r = 0; r < rounds; r++) {
      await betting.next();
      const before = await serverCpuSeconds(server.url);
      const started = performance.now();
      const replies = await Promise.all(tables.slice(1).map((t) => bet(t).then((reply) => (samples.push(performance.now() - started), reply))));
      cpu += (await serverCpuSeconds(server.url)) - before;
      refused += replies.filter((reply) => !('ack' in reply)).length;
    }
    // Bets with nobody else betting: what each of the burst's bets would take without a queue.
    await betting.next();
    const alone: number[] = [];
    for (const table of tables.slice(0, ALONE)) {
      const started = performance.now();
      if (!('ack' in (await bet(table)))) refused += 1;
      alone.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    alone.sort((a, b) => a - b);
    return { players, rounds, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples.at(-1) ?? NaN, aloneMs: percentile(alone, 0.5), cpuPerBetUs: (cpu * 1e6) / Math.max(1, samples.length), refused };
  } finally {
    for (const room of rooms) room.close();
    await server.stop();
  }
}

/** Resolves `next()` at the start of each betting phase seen from now on, one at a time. */
export function bettingRounds(table: ProtocolRoom): { next(): Promise<void> } {
  let waiting: (() => void) | undefined;
  let lastRound = -1;
  table.onEvent = (event: WireEvent) => {
    const data = event.data as { phase?: string; roundId?: number };
    if (event.type !== EventType.crashRound || data.phase !== 'betting' || data.roundId === lastRound) return;
    lastRound = data.roundId ?? lastRound;
    waiting?.();
    waiting = undefined;
  };
  return { next: () => new Promise<void>((resolve) => (waiting = resolve)) };
}
