// The bank test: simulated players on two Coffer processes play games, bet at the crash
// table (tests/support/bankCrash.ts), buy, exchange gold for gems and back, take and finish tasks,
// while an admin grants gold and gems and posts tasks (the economy is the default one plus gems,
// tests/support/economies.ts, given to both processes as ECONOMY_FILE), and a seeded controller kill -9s a process, takes PostgreSQL away (every connection
// dropped and refused for a moment: what a restart looks like from the server), flushes Redis, or
// restarts Redis empty, or attacks the layer below the money checks (tests/support/bankAttacks.ts:
// malformed requests, reconnections after a ban or revocation, one account flooding the crash
// table). Clients (tests/support/bankClient.ts) retry with the same ids, as the
// protocol says. At the end it checks what docs/ARCHITECTURE.md promises (INV-1 to INV-9) and
// returns a report; `tests/chaos.test.ts` runs a short one,
// `npm run chaos` a long one. A `takeover` fault is a hostile player (and admin) trying to take the
// shared rooms over: `create` on the live crash table, board and admin room, and tables
// with made-up names; every attempt must be refused and the table must go on.
//
// PostgreSQL and Redis are reached through TCP proxies (tests/support/tcpProxy.ts) rather than
// restarted: the services of this machine are shared with other test runs.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { BoardCommandType, DEFAULT_BOARD } from '../../shared/boardCommands.ts';
import { CommandType } from '../../shared/commands.ts';
import { CrashCommandType } from '../../shared/crashCommands.ts';
import { PROTOCOL_VERSION, RoomName, playerStream } from '../../shared/protocol.ts';
import { BoardState, type PlayerState } from '../../shared/state.ts';
import { CRASH_ENV, CRASH_STREAM, CRASH_TABLE, CrashSeat, crashRecordIds, crashReport, escrowBalance, tableGoesOn, type CrashReport } from './bankCrash.ts';
import { signInAdmin, signInGuest } from './client.ts';
import { Sim, type Acked } from './bankClient.ts';
import { deleteKeys, TEST_REDIS_URL } from './cluster.ts';
import { createTestDatabase, TEST_DATABASE_URL } from './db.ts';
import { ledgerReport, queryRows, type LedgerReport } from './ledger.ts';
import { matchmake } from './rawRoom.ts';
import { badRequests, emptyAttackReport, floodTable, reconnectAfterBan, type AttackReport } from './bankAttacks.ts';
import { freePort, migrate, ROOT, startServer, TEST_ADMIN_PASSWORD, type RunningServer } from './server.ts';
import { startTcpProxy } from './tcpProxy.ts';
import { waitFor } from './wait.ts';
import { seededRandom } from './seededRandom.ts';
import { GEMS, withGems } from './economies.ts';

export type BankOptions = { seed: number; seconds: number; players: number; log?: (line: string) => void };

export type FaultKind = 'kill' | 'postgres' | 'redis-flush' | 'redis-restart' | 'takeover' | 'bad-requests' | 'ban-reconnect' | 'table-flood';
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'postgres', 'redis-flush', 'redis-restart', 'takeover', 'bad-requests', 'ban-reconnect', 'table-flood'];
export type Fault = { atMs: number; kind: FaultKind; process: number };

export type BankReport = {
  seed: number;
  schedule: Fault[];
  acked: number;
  /** wallet.exchange commands acked (each two transfers through the house, one per currency). */
  exchanges: number;
  refused: number;
  /** Final refusals by `<command type> <CODE/REASON>` (client.ts refusalOf: funds, a bet after betting closed...). */
  refusals: Record<string, number>;
  rejoins: number;
  /** Crash bets and cash-outs acked, rounds settled, and what the ledger says about them. */
  crash: CrashReport;
  ledger: LedgerReport;
  /** Acknowledged commands not in command_results exactly once (ids). */
  notOnce: string[];
  /** Acknowledged paid commands whose debit is not in the ledger exactly once (ids); crash bets
   *  are in `crash.stakesNotOnce`. */
  debitsNotOnce: string[];
  /** Players whose own stream (their id), or whose board stream (`<id> board:main`), as seen live
   *  plus one events.sync, is not 1..head exactly. */
  streamsWithGaps: string[];
  /** Players whose view of the crash table's stream, live plus one events.sync, misses a seq
   *  between the one their first join showed and the head. */
  crashStreamsWithGaps: string[];
  /** Players whose room state (`balance`, and `wallet` in every currency) disagrees with their
   *  account at the end. */
  balanceMismatches: string[];
  /** Takeover attempts (`create` on a live shared room, a made-up table) and those not refused. */
  takeovers: { tried: number; accepted: string[] };
  /** Malformed requests, reconnections after bans and the table flood, and what got through. */
  attacks: AttackReport;
  /** Processes that exited without the controller killing them (a request must never end one). */
  unexpectedExits: string[];
};

/** Every kind once, then more at random, spread over the middle of the run. */
export function faultSchedule(seed: number, seconds: number): Fault[] {
  const random = seededRandom(seed);
  const kinds: FaultKind[] = [...FAULT_KINDS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const extra = Math.max(0, Math.floor(seconds / 4) - kinds.length);
  for (let i = 0; i < extra; i++) kinds.push(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]);
  const span = seconds * 1000 * 0.7;
  const step = span / kinds.length;
  return kinds.map((kind, i) => ({ atMs: Math.round(seconds * 100 + i * step + random() * step * 0.5), kind, process: Math.floor(random() * 2) }));
}


const BOARD_STREAM = `board:${DEFAULT_BOARD}`;

/** The ledger lines an acked paid command leaves: its reason, and how many (an exchange is two,
 *  one per currency). */
const PAID: Record<string, { reason: string; legs: number }> = {
  ['game.rps']: { reason: 'game.rps.bet', legs: 1 },
  ['game.slot']: { reason: 'game.slot.bet', legs: 1 },
  ['game.gacha']: { reason: 'game.gacha', legs: 1 },
  [CommandType.shopBuy]: { reason: 'shop.buy', legs: 1 },
  [CommandType.walletExchange]: { reason: 'wallet.exchange', legs: 2 },
};

export async function runBankTest(options: BankOptions): Promise<BankReport> {
  const log = options.log ?? (() => undefined);
  const schedule = faultSchedule(options.seed, options.seconds);
  log(`bank test: seed ${options.seed}, ${options.seconds} s, ${options.players} players, faults ${schedule.map((f) => `${f.kind}@${f.atMs}ms/p${f.process}`).join(' ')}`);
  const db = await createTestDatabase('coffer_chaos');
  const pgTarget = new URL(TEST_DATABASE_URL);
  const redisTarget = new URL(TEST_REDIS_URL);
  const pgProxy = await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  const redisProxy = await startTcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
  const keyPrefix = `test:${new URL(db.url).pathname.slice(1)}:`;
  const economyFile = path.join(ROOT, 'test-artifacts', 'bank', `economy-${new URL(db.url).pathname.slice(1)}.json`);
  await mkdir(path.dirname(economyFile), { recursive: true });
  await writeFile(economyFile, JSON.stringify(withGems(), null, 2));
  const redis = new Redis(TEST_REDIS_URL);
  const ports = [await freePort(), await freePort()];
  const env = (port: number) => ({
    DATABASE_URL: pgProxy.through(db.url),
    REDIS_URL: redisProxy.through(TEST_REDIS_URL),
    REDIS_KEY_PREFIX: keyPrefix,
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    EFFECT_SWEEP_SECONDS: '1',
    RATE_LIMIT_PER_SECOND: '1000',
    ECONOMY_FILE: economyFile,
    ...CRASH_ENV,
  });
  const servers: RunningServer[] = [];
  /** Every process started, killed ones included: their logs are kept (test-artifacts/bank/). */
  const processes: RunningServer[] = [];
  const killed = new Set<RunningServer>();
  const unexpectedExits: string[] = [];
  let stopping = false;
  const start = async (i: number) => {
    const server = await startServer(env(ports[i]), { port: ports[i] });
    processes.push(server);
    server.proc.once('exit', (code, signal) => {
      if (!killed.has(server) && !stopping) unexpectedExits.push(`process ${i} (port ${server.port}) exited with ${code ?? signal}`);
    });
    return server;
  };
  const down = new Set<number>();
  const alive = () => servers.filter((_, i) => !down.has(i));
  try {
    await migrate(db.url);
    servers.push(...(await Promise.all(ports.map((_, i) => start(i)))));

    const admin = new Sim(await signInAdmin(servers[0].url, TEST_ADMIN_PASSWORD), alive);
    const players = await Promise.all(Array.from({ length: options.players }, async (_, i) => new Sim(await signInGuest(servers[i % 2].url), alive)));
    for (const player of players) await player.command('player', CommandType.streakClaim);

    const deadline = Date.now() + options.seconds * 1000;
    const started = Date.now();
    const takeovers = { tried: 0, accepted: [] as string[] };
    const attacks = emptyAttackReport();
    const attacker = players[0].session;
    const controller = (async () => {
      for (const fault of schedule) {
        await delay(Math.max(0, started + fault.atMs - Date.now()));
        log(`fault at ${Date.now() - started} ms: ${fault.kind} (process ${fault.process})`);
        if (fault.kind === 'kill') {
          down.add(fault.process);
          killed.add(servers[fault.process]);
          await servers[fault.process].kill();
          await delay(500);
          servers[fault.process] = await start(fault.process);
          down.delete(fault.process);
        } else if (fault.kind === 'postgres') {
          pgProxy.cut();
          await delay(1500);
          pgProxy.restore();
        } else if (fault.kind === 'takeover') {
          const url = servers[fault.process].url;
          const attempts: Array<['create' | 'joinOrCreate', string, string, Record<string, unknown>]> = [
            ['create', RoomName.crash, attacker.token, { table: CRASH_TABLE }],
            ['create', RoomName.board, attacker.token, { board: DEFAULT_BOARD }],
            ['create', RoomName.admin, admin.session.token, {}],
            ['joinOrCreate', RoomName.crash, attacker.token, { table: `made-up-${fault.atMs}` }],
          ];
          for (let round = 0; round < 3; round++) {
            for (const [method, room, token, options] of attempts) {
              takeovers.tried++;
              const made = await matchmake(url, room, { method, token, options: { protocol: PROTOCOL_VERSION, ...options } }).catch(() => undefined);
              // A process going down meanwhile refuses too (no answer); only a seat is a takeover.
              if (made?.seat) takeovers.accepted.push(`${method} ${room} ${JSON.stringify(options)} -> ${made.seat.roomId}`);
            }
            await delay(200);
          }
        } else if (fault.kind === 'bad-requests') {
          await badRequests(servers[fault.process], options.seed + fault.atMs, attacks);
        } else if (fault.kind === 'ban-reconnect') {
          for (const how of ['ban', 'revoke'] as const) await reconnectAfterBan(servers[fault.process], admin, how, attacks);
        } else if (fault.kind === 'table-flood') {
          await floodTable(servers[fault.process], attacks);
        } else if (fault.kind === 'redis-flush') {
          await deleteKeys(redis, keyPrefix);
        } else {
          redisProxy.cut();
          await deleteKeys(redis, keyPrefix); // restarted without persistence
          await delay(1000);
          redisProxy.restore();
        }
      }
    })();

    const adminLoop = (async () => {
      for (let n = 0; Date.now() < deadline; n++) {
        const player = players[n % players.length];
        await admin.command('admin', AdminCommandType.grant, { userId: player.session.userId, amount: 20 + (n % 5) * 10, reason: `chaos grant ${n}` });
        if (n % 4 === 1) await admin.command('admin', AdminCommandType.grant, { userId: player.session.userId, amount: 1 + (n % 3), currency: GEMS, reason: `chaos gems ${n}` });
        if (n % 3 === 0) await admin.command('admin', AdminCommandType.taskCreate, { title: `chaos task ${n}`, bountyGold: 25, bountyXp: 5 });
        await delay(150);
      }
    })();

    const playerLoops = players.map(async (player) => {
      let myTask: string | undefined;
      const seat = new CrashSeat(player);
      while (Date.now() < deadline) {
        // A turn at the crash table when it has one (a bet while betting, a cash-out while running).
        if (Math.random() < 0.3 && (await seat.turn())) continue;
        const roll = Math.random();
        if (roll < 0.3) await player.command('player', 'game.rps', { bet: 1 + Math.floor(Math.random() * 5), hand: 'rock' });
        else if (roll < 0.5) await player.command('player', 'game.slot', { bet: 1 + Math.floor(Math.random() * 5) });
        else if (roll < 0.58) await player.command('player', 'game.gacha', { pulls: 1 });
        else if (roll < 0.64) await player.command('player', CommandType.shopBuy, { itemId: 'health-potion', qty: 1 });
        // Gold for gems at 100:1 (what is left over stays with the house), or a gem or two back at 1:90.
        else if (roll < 0.67) await player.command('player', CommandType.walletExchange, { from: 'gold', to: GEMS, amount: 100 + Math.floor(Math.random() * 150) });
        else if (roll < 0.7) await player.command('player', CommandType.walletExchange, { from: GEMS, to: 'gold', amount: 1 + Math.floor(Math.random() * 2) });
        else if (myTask) {
          await player.command('board', BoardCommandType.taskComplete, { taskId: myTask });
          myTask = undefined;
        } else {
          const board = player.tabs.get('board') ?? (await player.connect('board'));
          const open = [...(board.state as BoardState).tasks.values()].find((t) => t.status === 'open');
          if (open && 'ack' in (await player.command('board', BoardCommandType.taskAccept, { taskId: open.id }))) myTask = open.id;
        }
      }
    });
    await Promise.all([controller, adminLoop, ...playerLoops]);
    pgProxy.restore();
    redisProxy.restore();
    log(`load done: ${players.reduce((n, p) => n + p.acked.length, 0)} player commands acked`);

    // The crash table runs on without bets: each player joins it afresh, so it is loaded (a table
    // whose room was killed is settled when it loads again, not before), and the last round with
    // stakes settles. Escrow then holds nothing, unless a stake got stuck there: that is
    // reported, not waited for forever.
    for (const player of players) await player.rejoin('crash');
    await waitFor(async () => (await escrowBalance(db.url)) === 0, 60_000, 200).then(
      () => log('escrow empty: every stake settled or refunded'),
      async () => log(`escrow still holds ${await escrowBalance(db.url)} after 60 s (see crash.escrowHeld)`),
    );
    // And it is still running: a table that stopped after an outage would pass every check above.
    const wentOn = await tableGoesOn(await players[0].live('crash'), 30_000);
    log(wentOn ? 'the crash table started another round' : 'the crash table started no round in 30 s: stalled');
    // Everything owed is applied (bounties, cash-outs, refunds), then each client catches up once
    // with events.sync.
    await waitFor(async () => Number((await queryRows<{ n: string }>(db.url, 'SELECT count(*) AS n FROM effects WHERE applied_at IS NULL'))[0].n) === 0, 60_000, 200);
    log('every effect applied');
    const streamsWithGaps: string[] = [];
    const crashStreamsWithGaps: string[] = [];
    const balanceMismatches: string[] = [];
    for (const player of players) {
      // The room the client is in shows the account (a room that lost its fence sends it on).
      const wallet = Object.fromEntries(
        (await queryRows<{ currency: string; balance: string }>(db.url, 'SELECT currency, balance FROM balances WHERE account = $1', [player.session.userId])).map((r) => [r.currency, Number(r.balance)]),
      );
      const balance = wallet.gold ?? 0;
      const shows = (s: PlayerState) => s.balance === balance && Object.entries(wallet).every(([currency, held]) => (s.wallet.get(currency) ?? 0) === held);
      let shown: PlayerState | undefined;
      for (let attempt = 0; attempt < 5 && !(shown && shows(shown)); attempt++) {
        const tab = await player.live('player');
        await Promise.race([tab.waitForState(shows), player.left('player'), delay(5_000)]);
        shown = tab.state as PlayerState;
      }
      if (!(shown && shows(shown))) balanceMismatches.push(player.session.userId);

      // What it saw live up to its first gap, and one events.sync from there (paged): 1..head.
      const own = await player.streamView('player', playerStream(player.session.userId), 0, db.url);
      if (own.missing.length > 0) streamsWithGaps.push(player.session.userId);
      log(`player ${player.session.userId}: wallet ${JSON.stringify(wallet)} (room shows ${shown?.balance} gold, ${JSON.stringify(Object.fromEntries(shown?.wallet.entries() ?? []))}), head ${own.head}, live contiguous ${own.contiguous} of ${own.seen} seen, synced ${own.synced}${own.missing.length ? `, missing ${own.missing.join(',')}` : ''}`);
      // The board's stream, for a client that followed it: 1..head as well.
      if (player.joined('board')) {
        const board = await player.streamView('board', BOARD_STREAM, 0, db.url);
        if (board.missing.length > 0) streamsWithGaps.push(`${player.session.userId} ${BOARD_STREAM}`);
        if (board.missing.length > 0) log(`  ${BOARD_STREAM}: head ${board.head}, missing ${board.missing.join(',')}`);
      }
      // The crash table's stream, from what its first join showed.
      const table = await player.streamView('crash', CRASH_STREAM, player.crashFrom ?? 0, db.url);
      if (table.missing.length > 0) crashStreamsWithGaps.push(player.session.userId);
      log(`  ${CRASH_STREAM} from ${player.crashFrom}: head ${table.head}, live contiguous ${table.contiguous} of ${table.seen} seen, synced ${table.synced}${table.missing.length ? `, missing ${table.missing.join(',')}` : ''}`);
    }

    const sims = [admin, ...players];
    // Reads store nothing; kicks and revocations are kept in the audit trail, not as replies.
    const unstored = new Set<string>([CommandType.eventsSync, AdminCommandType.kick, AdminCommandType.sessionsRevoke]);
    const acked = sims.flatMap((s) => s.acked).filter((a) => !unstored.has(a.type));
    // The keys each room records a reply under: player rooms the id, the board `board:main:<id>`,
    // a grant (recorded by the player's room) `grant:<id>`, the crash table `crash:main:<id>` and,
    // for a bet, the player's room its stake `stake:crash:main:<id>`.
    const recordIds = (a: Acked): string[] =>
      a.type === AdminCommandType.grant
        ? [`grant:${a.id}`]
        : a.type === AdminCommandType.taskCreate || a.type.startsWith('task.')
          ? [`board:main:${a.id}`]
          : a.type.startsWith('crash.')
            ? crashRecordIds(a.type, a.id)
            : [a.id];
    const ids = acked.flatMap(recordIds);
    const counts = new Map((await queryRows<{ command_id: string; n: string }>(db.url, 'SELECT command_id, count(*) AS n FROM command_results WHERE command_id = ANY($1) GROUP BY command_id', [ids])).map((r) => [r.command_id, Number(r.n)]));
    const notOnce = ids.filter((id) => counts.get(id) !== 1);
    if (notOnce.length > 0) log(`not stored once: ${notOnce.map((id) => `${id} (${counts.get(id) ?? 0})`).join('; ')}`);
    const paid = acked.filter((a) => PAID[a.type]);
    const debits = new Map(
      (await queryRows<{ command_id: string; reason: string; n: string }>(db.url, 'SELECT command_id, reason, count(*) AS n FROM transfers WHERE command_id = ANY($1) GROUP BY command_id, reason', [paid.map((a) => a.id)])).map((r) => [`${r.command_id}/${r.reason}`, Number(r.n)]),
    );
    const debitsNotOnce = paid.filter((a) => debits.get(`${a.id}/${PAID[a.type].reason}`) !== PAID[a.type].legs).map((a) => a.id);
    const crash = await crashReport(db.url, acked.filter((a) => a.type === CrashCommandType.bet || a.type === CrashCommandType.cashout), wentOn, log);
    log(`crash: ${crash.bets} bets and ${crash.cashouts} cash-outs acked, ${crash.rounds} rounds settled (${crash.interruptedRounds} interrupted), ${crash.refunds} refunds`);
    if (crash.escrowHeld.length > 0) log(`escrow still holds: ${crash.escrowHeld.map((e) => `${e.ref} ${e.amount}${e.settled ? ' (round settled)' : ''}`).join('; ')}`);

    const refusals = new Map<string, number>();
    for (const sim of sims) for (const [key, count] of sim.refusals) refusals.set(key, (refusals.get(key) ?? 0) + count);
    log(`refused: ${[...refusals].map(([what, n]) => `${what} ${n}`).join(', ') || 'nothing'}`);
    log(`takeover attempts: ${takeovers.tried}, got a seat: ${takeovers.accepted.length}`);
    log(`malformed requests: ${attacks.badRequests.sent}, not refused: ${attacks.badRequests.notRefused.join('; ') || 'none'}`);
    log(`reconnections after a ban or revocation: ${attacks.reconnections.tried}, back in: ${attacks.reconnections.accepted.join('; ') || 'none'}`);
    log(`table flood: ${attacks.flood.sent} commands from ${attacks.flood.sockets} sockets of one account, ${attacks.flood.rateLimited} refused RATE_LIMITED, ${attacks.flood.acked} acked`);
    if (unexpectedExits.length > 0) log(`unexpected exits: ${unexpectedExits.join('; ')}`);
    log('checks done; leaving');
    for (const sim of sims) for (const tab of sim.tabs.values()) await Promise.race([tab.leave().catch(() => undefined), delay(2000)]);
    // Connections to killed processes may still be retrying in the SDK: the next retry gives up.
    for (const sim of sims) for (const tab of sim.connections) tab.room.reconnection.maxRetries = 0;
    log('left');
    return {
      seed: options.seed,
      schedule,
      acked: acked.length,
      exchanges: acked.filter((a) => a.type === CommandType.walletExchange).length,
      refused: [...refusals.values()].reduce((n, count) => n + count, 0),
      refusals: Object.fromEntries(refusals),
      rejoins: sims.reduce((n, s) => n + s.rejoins, 0),
      crash,
      ledger: await ledgerReport(db.url),
      notOnce,
      debitsNotOnce,
      streamsWithGaps,
      crashStreamsWithGaps,
      balanceMismatches,
      takeovers,
      attacks,
      unexpectedExits: [...unexpectedExits],
    };
  } finally {
    stopping = true;
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    log('servers stopped');
    const logDir = path.join(ROOT, 'test-artifacts', 'bank');
    await mkdir(logDir, { recursive: true });
    await Promise.all(processes.map((s, i) => writeFile(path.join(logDir, `seed-${options.seed}-${i}-port-${s.port}.log`), s.output())));
    log(`server logs: ${logDir}/seed-${options.seed}-*.log`);
    await pgProxy.close();
    await redisProxy.close();
    await deleteKeys(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await db.drop();
  }
}
