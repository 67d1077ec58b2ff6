// The rooms a signed-in session keeps joined, and the connection state shown to the player.
// One StreamCursors for all links: a `global` announcement reaching two rooms is applied once.
import { computed } from '@preact/signals';
import { DEFAULT_BOARD } from '../../../shared/commandNames.ts';
import { DEFAULT_CRASH_TABLE } from '../../../shared/commandNames.ts';
import { RoomName, boardStream, crashStream, playerStream } from '../../../shared/protocol.ts';
import { AdminState, BoardState, CrashState, PlayerState } from '../../../shared/state.ts';
import type { Session } from '../net/auth.ts';
import { RoomLink, type LinkHealth, type LinkStatus } from '../net/roomLink.ts';
import { StreamCursors } from '../net/streamCursors.ts';
import { clearFeed, recordEvent } from './feed.ts';
import type { AdminSnapshot, BoardSnapshot, CrashSnapshot, PlayerSnapshot } from './snapshots.ts';

export type PlayerLinks = { role: 'player'; player: RoomLink<PlayerSnapshot>; board: RoomLink<BoardSnapshot>; crash: RoomLink<CrashSnapshot> };
export type AdminLinks = { role: 'admin'; admin: RoomLink<AdminSnapshot>; board: RoomLink<BoardSnapshot> };
export type Links = PlayerLinks | AdminLinks;

export function openLinks(session: Session, baseUrl: string = location.origin): Links {
  clearFeed();
  const cursors = new StreamCursors();
  const common = { baseUrl, token: session.token, cursors, onEvent: recordEvent };
  const board = new RoomLink<BoardSnapshot>({ ...common, roomName: RoomName.board, joinOptions: { board: DEFAULT_BOARD }, stateClass: BoardState, syncStream: (s) => (s.board ? boardStream(s.board) : null) });
  if (session.role === 'admin') {
    // The admin room has no events.sync: announcements it shows are deduplicated, not replayed.
    const admin = new RoomLink<AdminSnapshot>({ ...common, roomName: RoomName.admin, stateClass: AdminState, syncStream: () => null });
    return { role: 'admin', admin, board };
  }
  const player = new RoomLink<PlayerSnapshot>({ ...common, roomName: RoomName.player, stateClass: PlayerState, syncStream: (s) => (s.userId ? playerStream(s.userId) : null) });
  const crash = new RoomLink<CrashSnapshot>({ ...common, roomName: RoomName.crash, joinOptions: { table: DEFAULT_CRASH_TABLE }, stateClass: CrashState, syncStream: (s) => (s.table ? crashStream(s.table) : null) });
  return { role: 'player', player, board, crash };
}

export function closeLinks(links: Links): void {
  for (const link of allLinks(links)) link.close();
}

export function allLinks(links: Links): LinkHealth[] {
  return links.role === 'admin' ? [links.admin, links.board] : [links.player, links.board, links.crash];
}

const RANK: Record<LinkStatus, number> = { online: 0, connecting: 1, offline: 2, closed: 3 };

/** The worst status of the session's links, with the longest retry count and the first problem. */
export function connectionOf(links: Links) {
  return computed(() => {
    const all = allLinks(links);
    const status = all.map((l) => l.status.value).reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'online' as LinkStatus);
    const attempt = Math.max(...all.map((l) => l.attempt.value));
    const problem = all.map((l) => l.problem.value).find(Boolean) ?? '';
    return { status, attempt, problem };
  });
}
