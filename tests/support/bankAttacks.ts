// The bank test's attacks one layer below the money checks (tests/support/bank.ts): requests
// whose Host, scheme or target no URL parser takes (each once ended the process), a banned or
// revoked player coming back through a kept reconnection seat, and one account flooding the crash
// table from many sockets. None may end a process, seat a refused user, or stop the table; the
// bank's own checks then prove that nothing was lost meanwhile.
import { Client } from '@colyseus/sdk';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { DEFAULT_BOARD } from '../../shared/boardCommands.ts';
import { CrashCommandType } from '../../shared/crashCommands.ts';
import { PROTOCOL_VERSION, RoomName } from '../../shared/protocol.ts';
import { BoardState, CrashState } from '../../shared/state.ts';
import { CRASH_TABLE } from './bankCrash.ts';
import type { Sim } from './bankClient.ts';
import { joinRoom, newId, signInGuest, type PlayerConnection } from './client.ts';
import { malformedRequest, refusalsFor, reportedRequests, sendRaw } from './malformedRequests.ts';
import { matchmake, RawRoom } from './rawRoom.ts';
import { seededRandom } from './seededRandom.ts';
import type { RunningServer } from './server.ts';

export type AttackReport = {
  /** Malformed requests sent, and those the server answered with anything but a 4xx. */
  badRequests: { sent: number; notRefused: string[] };
  /** Reconnections tried after a ban or revocation, and those that got back into their seat. */
  reconnections: { tried: number; accepted: string[] };
  /** Commands one account sent from many sockets, and how many were refused RATE_LIMITED. */
  flood: { sockets: number; sent: number; rateLimited: number; acked: number };
};

export function emptyAttackReport(): AttackReport {
  return { badRequests: { sent: 0, notRefused: [] }, reconnections: { tried: 0, accepted: [] }, flood: { sockets: 0, sent: 0, rateLimited: 0, acked: 0 } };
}

/**
 * The requests reported to end the process, each refused with a 4xx (uWS' own parser answers the
 * absolute-form target 505; a 0 is a dropped connection), then the fuzz's.
 */
export async function badRequests(server: RunningServer, seed: number, report: AttackReport): Promise<void> {
  for (const [what, request] of reportedRequests(server.port)) {
    report.badRequests.sent++;
    const status = await sendRaw(server.port, Buffer.from(request), 5_000);
    // Whichever transport the bank's processes run: uWS' 505 is taken for the absolute-form target only.
    if (!refusalsFor(what, 'uws').includes(status)) report.badRequests.notRefused.push(`${status} for ${what}`);
  }
  // Then the fuzz's requests and upgrades (tests/httpFuzz.test.ts), from the bank's seed: some
  // are well formed enough to be served, so only the process' survival is checked for these.
  // Sent a batch at a time: a request the server waits to see the end of holds its socket until
  // the wait is over.
  const random = seededRandom(seed);
  for (let sent = 0; sent < FUZZED_REQUESTS; sent += FUZZ_BATCH) {
    const batch = Array.from({ length: FUZZ_BATCH }, (_, i) => malformedRequest(random, server.port, i % 2 === 1));
    report.badRequests.sent += batch.length;
    await Promise.all(batch.map((request) => sendRaw(server.port, request, 1_000)));
  }
}

const FUZZ_BATCH = 50;

/** Seeded malformed requests per bad-requests fault, after the known ones. */
const FUZZED_REQUESTS = 200;

/**
 * A fresh guest sits at the crash table and the board, is banned (or has its sessions revoked),
 * and then tries its kept seats with another player's token, with none, and with its own: every
 * attempt must be refused. A seat that takes it back is reported, with whether a bet went through.
 */
export async function reconnectAfterBan(server: RunningServer, admin: Sim, how: 'ban' | 'revoke', report: AttackReport): Promise<void> {
  const villain = await signInGuest(server.url);
  const bystander = await signInGuest(server.url);
  const seats: Array<[PlayerConnection<any>, new () => object]> = [
    [await joinRoom(server.url, villain.token, RoomName.crash, CrashState, { table: CRASH_TABLE }), CrashState],
    [await joinRoom(server.url, villain.token, RoomName.board, BoardState, { board: DEFAULT_BOARD }), BoardState],
  ];
  const closed = seats.map(([tab]) => tab.left);
  const ended =
    how === 'ban'
      ? await admin.command('admin', AdminCommandType.kick, { userId: villain.userId, reason: 'bank test: banned', banSeconds: 3600 })
      : await admin.command('admin', AdminCommandType.sessionsRevoke, { userId: villain.userId, reason: 'bank test: revoked' });
  if (!('ack' in ended)) throw new Error(`the admin could not ${how} a player: ${JSON.stringify(ended)}`);
  await Promise.all(closed);
  for (const [tab, State] of seats) {
    for (const [who, token] of [['another player', bystander.token], ['no token', undefined], ['its own', villain.token]] as const) {
      report.reconnections.tried++;
      const client = new Client(server.url);
      if (token) client.auth.token = token;
      // A refusal is what the attack must get: only a reconnection that succeeds is reported.
      const back = await client.reconnect(tab.room.reconnectionToken, State as never).catch(() => undefined);
      if (!back) continue;
      const bet = await new Promise<string>((resolve) => {
        const id = newId();
        back.onMessage('ack', (ack: { id: string }) => ack.id === id && resolve('acked'));
        back.onMessage('nack', (nack: { id: string; code: string }) => nack.id === id && resolve(nack.code));
        back.send(CrashCommandType.bet, { id, amount: 1 });
        setTimeout(() => resolve('no answer'), 5_000).unref();
      });
      report.reconnections.accepted.push(`${how}: ${tab.room.name} seat retaken with ${who}'s token (a bet: ${bet})`);
      // Already reported; a failed leave of a seat that should not exist changes nothing.
      await back.leave().catch(() => undefined);
    }
  }
}

/** Sockets, messages per socket per second and seconds of one account's flood at the crash table. */
const FLOOD = { sockets: 24, perSecond: 45, seconds: 2 };

/**
 * One guest opens many sockets at the crash table and sends cash-outs as fast as it may while the
 * others play: its commands are refused RATE_LIMITED past its budget (or its sockets closed), and
 * the others' bets and the table's phases go on (the bank's checks).
 */
export async function floodTable(server: RunningServer, report: AttackReport): Promise<void> {
  const flooder = await signInGuest(server.url);
  const rooms: RawRoom[] = [];
  // A join refused by a fault of the schedule (storage away, the table reloading) is tried again
  // for a while; one refused by the account's socket budget (429) ends the opening: the flood goes
  // on with what it has.
  const joinsUntil = Date.now() + 15_000;
  while (rooms.length < FLOOD.sockets && Date.now() < joinsUntil) {
    // No answer (a process of the schedule down) is tried again like a refusal.
    const made = await matchmake(server.url, RoomName.crash, { token: flooder.token, options: { protocol: PROTOCOL_VERSION, table: CRASH_TABLE } }).catch(() => undefined);
    if (made?.status === 429) break;
    // The table's room may live on the other process: the seat names where.
    const at = made?.seat?.publicAddress ? `http://${made.seat.publicAddress}` : server.url;
    // A socket that does not open is one less in the flood, tried again below.
    const room = made?.seat && (await RawRoom.open(at, made.seat, { token: flooder.token }).catch(() => undefined));
    if (room) rooms.push(room);
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  report.flood.sockets += rooms.length;
  const until = Date.now() + FLOOD.seconds * 1000;
  await Promise.all(
    rooms.map(async (room) => {
      while (Date.now() < until && room.socket.readyState === room.socket.OPEN) {
        for (let i = 0; i < FLOOD.perSecond / 10; i++) {
          report.flood.sent++;
          room.send(CrashCommandType.cashout, { id: newId() });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
  for (const room of rooms) {
    for (const reply of room.replies) {
      if ('ack' in reply) report.flood.acked++;
      else if (reply.nack.code === 'RATE_LIMITED') report.flood.rateLimited++;
    }
    room.close();
  }
}
