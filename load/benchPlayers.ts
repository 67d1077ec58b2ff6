// Connected players per process: a fresh server, its resident memory with nobody connected, then
// `count` guests each signed in and joined to their own `player` room over WebSocket (a room, a
// fenced writer and a socket each), its memory again, and one command from every player at the
// end to show that all of them are live. RSS is read from /proc (Linux) or the server's metrics.
// Memory is read after a forced garbage collection (through the server's inspector, benchInspector.ts).
// On another fresh server (a heap snapshot's own memory would stay in the first one's RSS), two heap
// snapshots, before and after 100 players joined, say what one idle player's room holds.
// The players are load runner B's sessions (load/scenario/session.ts on load/node/runtime.ts):
// the same sign-in, matchmaking and join as the k6 scenarios.
import { readFile } from 'node:fs/promises';
import { CommandType } from '../shared/commands.ts';
import { RoomName } from '../shared/protocol.ts';
import type { RunningServer } from '../tests/support/server.ts';
import { heapGrowth, type Inspector } from './benchInspector.ts';
import { NodeRuntime } from './node/runtime.ts';
import { RoomConnection, signInGuest } from './scenario/session.ts';

export type PlayersFigure = {
  target: number;
  connected: number;
  live: number;
  idleRssBytes: number;
  rssBytes: number;
  perPlayerBytes: number;
  /** JS heap per player after a forced GC. */
  heapPerPlayerBytes: number;
  joinSeconds: number;
  /** Seconds for the first and the last 10% of the joins (10% = 1,000 players at 10,000). */
  firstTenthSeconds: number;
  lastTenthSeconds: number;
};

export type Holder = { name: string; count: number; bytes: number };

/** Players whose heap is snapshotted (before and after they join) to find the top holders. */
const SNAPSHOT_PLAYERS = 100;
const WARM_PLAYERS = 20;

/** The server process' resident set size in bytes. */
export async function residentBytes(server: RunningServer): Promise<number> {
  try {
    const status = await readFile(`/proc/${server.proc.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // Not Linux: fall through to the server's own figure.
  }
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes ([\d.e+]+)$/m.exec(metrics)?.[1] ?? NaN);
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

function joiner(server: RunningServer) {
  const rt = new NodeRuntime({});
  return async () => {
    const session = await signInGuest(rt, server.url);
    return RoomConnection.join(rt, server.url, session.token, RoomName.player);
  };
}

/** What one idle player room holds in the JS heap, per player, by kind of object, largest first. */
export async function playerRoomHolders(server: RunningServer, inspector: Inspector): Promise<Holder[]> {
  const join = joiner(server);
  // A few players first: code compiled and caches filled on the first joins are not per player.
  const warm = await pool(Array.from({ length: WARM_PLAYERS }, (_, i) => i), 8, () => join());
  await inspector.collectGarbage();
  const before = await inspector.heapSummary();
  const rooms = await pool(Array.from({ length: SNAPSHOT_PLAYERS }, (_, i) => i), 64, () => join());
  await inspector.collectGarbage();
  const holders = heapGrowth(before, await inspector.heapSummary(), SNAPSHOT_PLAYERS, 12);
  for (const room of [...warm, ...rooms]) room.close();
  return holders;
}

export async function connectedPlayers(server: RunningServer, count: number, inspector: Inspector): Promise<PlayersFigure> {
  const join = joiner(server);
  // One player first, so the idle figure includes what the first room loads once (modules, pools).
  const warmRoom = await join();
  await inspector.collectGarbage();
  const idleRssBytes = await residentBytes(server);
  const idleHeap = await inspector.heapUsedBytes();
  const tenth = Math.max(1, Math.floor((count - 1) / 10));
  const started = performance.now();
  const joinedAt: number[] = [];
  const rooms = await pool(Array.from({ length: count - 1 }, (_, i) => i), 64, () =>
    join()
      .then((room) => (joinedAt.push(performance.now()), room))
      .catch(() => undefined),
  );
  const joinSeconds = (performance.now() - started) / 1000;
  const joined = [warmRoom, ...rooms.filter((r): r is RoomConnection => r !== undefined)];
  await inspector.collectGarbage();
  const rssBytes = await residentBytes(server);
  const heap = await inspector.heapUsedBytes();
  // Every connected player's room answers one command (a refused daily claim would do as well:
  // any reply proves the room and its socket are alive).
  // (RoomConnection stands in an UNAVAILABLE nack for a closed socket or a missing reply.)
  const replies = await pool(joined, 256, (room) => room.send(CommandType.streakClaim, {}));
  for (const room of joined) room.close();
  const players = Math.max(1, joined.length - 1);
  return {
    target: count,
    connected: joined.length,
    live: replies.filter((r) => 'ack' in r || r.nack.code !== 'UNAVAILABLE').length,
    idleRssBytes,
    rssBytes,
    perPlayerBytes: (rssBytes - idleRssBytes) / players,
    heapPerPlayerBytes: (heap - idleHeap) / players,
    joinSeconds,
    // From the start to the tenth-th join, and between the last tenth's first and last joins.
    firstTenthSeconds: joinedAt.length >= tenth ? (joinedAt[tenth - 1] - started) / 1000 : NaN,
    lastTenthSeconds: joinedAt.length > tenth ? (joinedAt[joinedAt.length - 1] - joinedAt[joinedAt.length - tenth - 1]) / 1000 : NaN,
  };
}
