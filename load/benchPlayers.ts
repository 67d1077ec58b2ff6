// Connected players per process: a fresh server, its resident memory with nobody connected, then
// `count` guests each signed in and joined to their own `player` room over WebSocket (a room, a
// fenced writer and a socket each), its memory again, and one command from every player at the
// end to show that all of them are live. RSS is read from /proc (Linux) or the server's metrics.
// The players are load runner B's sessions (load/scenario/session.ts on load/node/runtime.ts):
// the same sign-in, matchmaking and join as the k6 scenarios.
import { readFile } from 'node:fs/promises';
import { CommandType } from '../shared/commands.ts';
import { RoomName } from '../shared/protocol.ts';
import type { RunningServer } from '../tests/support/server.ts';
import { NodeRuntime } from './node/runtime.ts';
import { RoomConnection, signInGuest } from './scenario/session.ts';

export type PlayersFigure = { target: number; connected: number; live: number; idleRssBytes: number; rssBytes: number; perPlayerBytes: number; joinSeconds: number };

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

export async function connectedPlayers(server: RunningServer, count: number): Promise<PlayersFigure> {
  const rt = new NodeRuntime({});
  const join = async () => {
    const session = await signInGuest(rt, server.url);
    return RoomConnection.join(rt, server.url, session.token, RoomName.player);
  };
  // One player first, so the idle figure includes what the first room loads once (modules, pools).
  const warmRoom = await join();
  const idleRssBytes = await residentBytes(server);
  const started = performance.now();
  const rooms = await pool(Array.from({ length: count - 1 }, (_, i) => i), 64, () => join().catch(() => undefined));
  const joinSeconds = (performance.now() - started) / 1000;
  const joined = [warmRoom, ...rooms.filter((r): r is RoomConnection => r !== undefined)];
  const rssBytes = await residentBytes(server);
  // Every connected player's room answers one command (a refused daily claim would do as well:
  // any reply proves the room and its socket are alive).
  // (RoomConnection stands in an UNAVAILABLE nack for a closed socket or a missing reply.)
  const replies = await pool(joined, 256, (room) => room.send(CommandType.streakClaim, {}));
  for (const room of joined) room.close();
  return {
    target: count,
    connected: joined.length,
    live: replies.filter((r) => 'ack' in r || r.nack.code !== 'UNAVAILABLE').length,
    idleRssBytes,
    rssBytes,
    perPlayerBytes: (rssBytes - idleRssBytes) / Math.max(1, joined.length - 1),
    joinSeconds,
  };
}
