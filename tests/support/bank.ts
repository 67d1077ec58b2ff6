// The bank test (issue 8): simulated players on two Coffer processes play games, bet on the crash
// table and cash out, buy, take and finish tasks, while an admin grants gold and posts tasks, and a seeded controller kill -9s a
// process, takes PostgreSQL away (every connection dropped and refused for a moment: what a restart
// looks like from the server), flushes Redis, or restarts Redis empty. Clients retry with the same
// ids, as the protocol says. At the end it checks what DESIGN.md promises and returns a report;
// `tests/chaos.test.ts` runs a short one, `npm run chaos` a long one.
//
// PostgreSQL and Redis are reached through TCP proxies (tests/support/tcpProxy.ts) rather than
// restarted: the services of this machine are shared with other test runs.
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { AdminCommandType } from '../../shared/adminCommands.ts';
import { BoardCommandType } from '../../shared/boardCommands.ts';
import { CrashCommandType, DEFAULT_BOARD, DEFAULT_CRASH_TABLE } from '../../shared/commandNames.ts';
import { CommandType } from '../../shared/commands.ts';
import { RoomName, playerStream, type WireEvent } from '../../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../../shared/state.ts';
import { joinPlayerRoom, joinRoom, newId, signInAdmin, signInGuest, type PlayerConnection, type Reply, type Session } from './client.ts';
import { deleteKeys, TEST_REDIS_URL } from './cluster.ts';
import { createTestDatabase, TEST_DATABASE_URL } from './db.ts';
import { ledgerReport, queryRows, type LedgerReport } from './ledger.ts';
import { freePort, migrate, startServer, TEST_ADMIN_PASSWORD, type RunningServer } from './server.ts';
import { startTcpProxy } from './tcpProxy.ts';
import { waitFor } from './wait.ts';

export type BankOptions = { seed: number; seconds: number; players: number; log?: (line: string) => void };

export type FaultKind = 'kill' | 'postgres' | 'redis-flush' | 'redis-restart';
export type Fault = { atMs: number; kind: FaultKind; process: number };

export type BankReport = {
  seed: number;
  schedule: Fault[];
  acked: number;
  /** Acknowledged crash bets and cash-outs (part of `acked`). */
  crashBets: number;
  cashouts: number;
  refused: number;
  rejoins: number;
  ledger: LedgerReport;
  /** Acknowledged commands not in command_results exactly once (ids). */
  notOnce: string[];
  /** Acknowledged paid commands whose debit is not in the ledger exactly once (ids). */
  debitsNotOnce: string[];
  /** `<userId> <stream>` for each stream a client followed (its player stream, the board, the
   *  crash table) that, as seen live plus one events.sync, is not 1..head exactly. */
  streamsWithGaps: string[];
  /** Players whose room state disagrees with their account at the end. */
  balanceMismatches: string[];
  /** Gold left in crash escrow once every round has settled (stakes owed back or to the house). */
  escrowLeft: number;
};

/** mulberry32: a small seeded generator, so a seed replays the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every kind once, then more at random, spread over the middle of the run. */
export function faultSchedule(seed: number, seconds: number): Fault[] {
  const random = seededRandom(seed);
  const kinds: FaultKind[] = ['kill', 'postgres', 'redis-flush', 'redis-restart'];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const extra = Math.max(0, Math.floor(seconds / 4) - kinds.length);
  for (let i = 0; i < extra; i++) kinds.push((['kill', 'postgres', 'redis-flush', 'redis-restart'] as const)[Math.floor(random() * 4)]);
  const span = seconds * 1000 * 0.7;
  const step = span / kinds.length;
  return kinds.map((kind, i) => ({ atMs: Math.round(seconds * 100 + i * step + random() * step * 0.5), kind, process: Math.floor(random() * 2) }));
}

type Kind = 'player' | 'board' | 'admin' | 'crash';

const ROOMS: Record<Exclude<Kind, 'player'>, [string, new () => unknown]> = {
  board: [RoomName.board, BoardState],
  admin: [RoomName.admin, AdminState],
  crash: [RoomName.crash, CrashState],
};

/** A client that answers to the protocol's rules: same id until a final answer, rejoin on loss. */
class Sim {
  readonly session: Session;
  readonly #servers: () => RunningServer[];
  readonly tabs = new Map<Kind, PlayerConnection<any>>();
  readonly #left = new Map<Kind, Promise<'left'>>();
  readonly #closed = new Set<PlayerConnection<any>>();
  readonly connections: PlayerConnection<any>[] = [];
  readonly acked: Array<{ id: string; type: string }> = [];
  refused = 0;
  rejoins = 0;

  constructor(session: Session, servers: () => RunningServer[]) {
    this.session = session;
    this.#servers = servers;
  }

  async connect(kind: Kind): Promise<PlayerConnection<any>> {
    for (let attempt = 0; ; attempt++) {
      const servers = this.#servers();
      const server = servers[(attempt + Math.floor(Math.random() * servers.length)) % servers.length];
      try {
        const joining = kind === 'player' ? joinPlayerRoom(server.url, this.session.token) : joinRoom<any>(server.url, this.session.token, ...ROOMS[kind]);
        // A join that has no answer in 10 s (its process froze, died or lost Redis) is given up.
        const tab = await Promise.race([joining, delay(10_000, undefined)]);
        if (!tab) {
          void joining.then((late) => late.leave(), () => undefined);
          throw new Error('join timed out');
        }
        this.tabs.set(kind, tab);
        this.connections.push(tab);
        this.#left.set(kind, new Promise((resolve) => tab.room.onLeave(() => (this.#closed.add(tab), resolve('left')))));
        return tab;
      } catch (error) {
        if (attempt >= 120) throw new Error(`${this.session.userId} could not join ${kind}: ${String(error)}`);
        await delay(Math.min(1000, 50 * 2 ** attempt)); // the client's reconnect backoff
      }
    }
  }

  async command(kind: Kind, type: string, fields: Record<string, unknown> = {}): Promise<Reply> {
    const id = newId();
    for (let attempt = 1; ; attempt++) {
      if (attempt % 20 === 0) console.log(`[bank] ${this.session.userId} ${type} ${id}: still no final answer after ${attempt} sends`);
      const tab = this.tabs.get(kind) ?? (await this.connect(kind));
      // No answer within 10 s counts as lost: the same id goes out again.
      const reply = await Promise.race([tab.send(type, fields, id), this.#left.get(kind)!, delay(10_000, 'timeout' as const)]);
      if (attempt % 20 === 19) console.log(`[bank] last reply: ${JSON.stringify(reply)}`);
      if (reply === 'left' || reply === 'timeout' || ('nack' in reply && reply.nack.retryable)) {
        if (reply === 'timeout') void tab.leave().catch(() => undefined);
        this.tabs.delete(kind);
        this.rejoins++;
        continue;
      }
      if ('ack' in reply) this.acked.push({ id, type });
      else this.refused++;
      return reply;
    }
  }

  /** The open connection to `kind`, joined again if it was closed. */
  async live(kind: Kind): Promise<PlayerConnection<any>> {
    const tab = this.tabs.get(kind);
    return tab && !this.#closed.has(tab) ? tab : this.connect(kind);
  }

  /** Resolves when the connection to `kind` closes. */
  left(kind: Kind): Promise<'left'> {
    return this.#left.get(kind)!;
  }

  /** A stream as this client received it live over every connection, by seq. */
  seen(stream: string): Map<number, WireEvent> {
    const seen = new Map<number, WireEvent>();
    for (const tab of this.connections) for (const event of tab.events) if (event.stream === stream) seen.set(event.seq, event);
    return seen;
  }

  /** Which kinds of room this client joined at some point. */
  joined(kind: Kind): boolean {
    return this.#left.has(kind);
  }
}

const PAID: Record<string, string> = {
  [CommandType.gameRps]: 'game.rps.bet',
  [CommandType.gameSlot]: 'game.slot.bet',
  [CommandType.gameGacha]: 'game.gacha',
  [CommandType.shopBuy]: 'shop.buy',
  [CrashCommandType.bet]: 'crash.bet',
};

const CRASH_STREAM = `crash:${DEFAULT_CRASH_TABLE}`;
const BOARD_STREAM = `board:${DEFAULT_BOARD}`;

/** The transfer a paid command's debit is recorded under: its id, or the player room's stake record. */
const debitId = (a: { id: string; type: string }) => (a.type === CrashCommandType.bet ? `stake:${CRASH_STREAM}:${a.id}` : a.id);

/** One crash move: bet in the betting phase, cash out a running bet, else nothing to do now. */
async function crashMove(player: Sim): Promise<boolean> {
  const table = (await player.live('crash')).state as CrashState;
  const mine = table.bets.get(player.session.userId);
  if (table.phase === 'betting' && !mine) {
    await player.command('crash', CrashCommandType.bet, { amount: 1 + Math.floor(Math.random() * 5) });
    return true;
  }
  if (table.phase === 'running' && mine && mine.cashedOutAt === 0) {
    await player.command('crash', CrashCommandType.cashout);
    return true;
  }
  return false;
}

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
  const redis = new Redis(TEST_REDIS_URL);
  const ports = [await freePort(), await freePort()];
  const env = (port: number) => ({
    DATABASE_URL: pgProxy.through(db.url),
    REDIS_URL: redisProxy.through(TEST_REDIS_URL),
    REDIS_KEY_PREFIX: keyPrefix,
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    EFFECT_SWEEP_SECONDS: '1',
    RATE_LIMIT_PER_SECOND: '1000',
    // Short crash rounds: betting 0.8 s, the multiplier at 2x after 0.7 s of running.
    CRASH_BETTING_MS: '800',
    CRASH_PAUSE_MS: '200',
    CRASH_GROWTH_PER_SECOND: '1',
  });
  const servers: RunningServer[] = [];
  const down = new Set<number>();
  const alive = () => servers.filter((_, i) => !down.has(i));
  try {
    await migrate(db.url);
    servers.push(...(await Promise.all(ports.map((port) => startServer(env(port), { port })))));

    const admin = new Sim(await signInAdmin(servers[0].url, TEST_ADMIN_PASSWORD), alive);
    const players = await Promise.all(Array.from({ length: options.players }, async (_, i) => new Sim(await signInGuest(servers[i % 2].url), alive)));
    for (const player of players) await player.command('player', CommandType.streakClaim);

    const deadline = Date.now() + options.seconds * 1000;
    const started = Date.now();
    const controller = (async () => {
      for (const fault of schedule) {
        await delay(Math.max(0, started + fault.atMs - Date.now()));
        log(`fault at ${Date.now() - started} ms: ${fault.kind} (process ${fault.process})`);
        if (fault.kind === 'kill') {
          down.add(fault.process);
          await servers[fault.process].kill();
          await delay(500);
          servers[fault.process] = await startServer(env(ports[fault.process]), { port: ports[fault.process] });
          down.delete(fault.process);
        } else if (fault.kind === 'postgres') {
          pgProxy.cut();
          await delay(1500);
          pgProxy.restore();
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
        if (n % 3 === 0) await admin.command('admin', AdminCommandType.taskCreate, { title: `chaos task ${n}`, bountyGold: 25, bountyXp: 5 });
        await delay(150);
      }
    })();

    const playerLoops = players.map(async (player) => {
      let myTask: string | undefined;
      while (Date.now() < deadline) {
        const roll = Math.random();
        if (roll < 0.3) await player.command('player', CommandType.gameRps, { bet: 1 + Math.floor(Math.random() * 5), hand: 'rock' });
        else if (roll < 0.5) await player.command('player', CommandType.gameSlot, { bet: 1 + Math.floor(Math.random() * 5) });
        else if (roll < 0.58) await player.command('player', CommandType.gameGacha, { pulls: 1 });
        else if (roll < 0.66) await player.command('player', CommandType.shopBuy, { itemId: 'health-potion', qty: 1 });
        else if (roll < 0.8 && (await crashMove(player))) continue;
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
    const playerAcks = players.flatMap((p) => p.acked);
    log(`load done: ${playerAcks.length} player commands acked, ${playerAcks.filter((a) => a.type === CrashCommandType.bet).length} of them crash bets and ${playerAcks.filter((a) => a.type === CrashCommandType.cashout).length} cash-outs`);

    // Every crash round with stakes settles (a table whose process died settles its round as
    // interrupted, refunding, once it is created again: one player looks at it), then everything
    // owed is applied (bounties, payouts, refunds), then each client catches up with events.sync.
    const escrow = async () => Number((await queryRows<{ balance: string }>(db.url, `SELECT balance FROM accounts WHERE id = 'escrow'`))[0]?.balance ?? 0);
    await players[0].live('crash');
    await waitFor(async () => (await escrow()) === 0, 60_000, 200).catch(() => undefined);
    const escrowLeft = await escrow();
    await waitFor(async () => Number((await queryRows<{ n: string }>(db.url, 'SELECT count(*) AS n FROM effects WHERE applied_at IS NULL'))[0].n) === 0, 60_000, 200);
    log(`every effect applied; escrow holds ${escrowLeft}`);
    const streamsWithGaps: string[] = [];
    const balanceMismatches: string[] = [];
    for (const player of players) {
      // The room the client is in shows the account (a room that lost its fence sends it on).
      const [{ balance }] = await queryRows<{ balance: string }>(db.url, 'SELECT balance FROM accounts WHERE id = $1', [player.session.userId]);
      let shown: number | undefined;
      for (let attempt = 0; attempt < 5 && shown !== Number(balance); attempt++) {
        const tab = await player.live('player');
        await Promise.race([tab.waitForState((s: { balance: number }) => s.balance === Number(balance)), player.left('player'), delay(5_000)]);
        shown = (tab.state as { balance: number }).balance;
      }
      if (shown !== Number(balance)) balanceMismatches.push(player.session.userId);

      // Each stream the client followed: what it saw live up to its first gap, and one
      // events.sync from there (paged), in the room of that stream, give 1..head.
      const streams: Array<[Kind, string]> = [['player', playerStream(player.session.userId)], ['board', BOARD_STREAM], ['crash', CRASH_STREAM]];
      for (const [kind, stream] of streams.filter(([kind]) => player.joined(kind))) {
        const head = Number((await queryRows<{ seq: string }>(db.url, 'SELECT coalesce(max(seq), 0) AS seq FROM outbox WHERE stream = $1', [stream]))[0].seq);
        const seen = player.seen(stream);
        let contiguous = 0;
        while (seen.has(contiguous + 1)) contiguous++;
        const synced: WireEvent[] = [];
        for (let after = contiguous; ; ) {
          const reply = await player.command(kind, CommandType.eventsSync, { afterSeq: after });
          const page = 'ack' in reply ? ((reply.ack.result as { events?: WireEvent[] }).events ?? []) : [];
          synced.push(...page);
          if (page.length === 0) break;
          after = page[page.length - 1].seq;
        }
        const union = new Set([...[...seen.keys()].filter((seq) => seq <= contiguous), ...synced.map((e) => e.seq)]);
        const missing = Array.from({ length: head }, (_, i) => i + 1).filter((seq) => !union.has(seq));
        if (missing.length > 0 || union.size !== head) streamsWithGaps.push(`${player.session.userId} ${stream}`);
        if (kind === 'player') log(`player ${player.session.userId}: balance ${balance} (room shows ${shown}), head ${head}, live contiguous ${contiguous} of ${seen.size} seen, synced ${synced.length}${missing.length ? `, missing ${missing.join(',')}` : ''}`);
        else if (missing.length > 0) log(`player ${player.session.userId}: ${stream} head ${head}, missing ${missing.join(',')}`);
      }
    }

    const sims = [admin, ...players];
    const acked = sims.flatMap((s) => s.acked).filter((a) => a.type !== CommandType.eventsSync); // reads: nothing stored
    // The key each room records a reply under: player rooms the id, the board `board:main:<id>`,
    // the crash table `crash:main:<id>`, a grant (recorded by the player's room) `grant:<id>`.
    const recordId = (a: { id: string; type: string }) =>
      a.type === AdminCommandType.grant
        ? `grant:${a.id}`
        : a.type === AdminCommandType.taskCreate || a.type.startsWith('task.')
          ? `board:main:${a.id}`
          : a.type.startsWith('crash.')
            ? `${CRASH_STREAM}:${a.id}`
            : a.id;
    const ids = acked.map(recordId);
    const counts = new Map((await queryRows<{ command_id: string; n: string }>(db.url, 'SELECT command_id, count(*) AS n FROM command_results WHERE command_id = ANY($1) GROUP BY command_id', [ids])).map((r) => [r.command_id, Number(r.n)]));
    const notOnce = ids.filter((id) => counts.get(id) !== 1);
    if (notOnce.length > 0) log(`not stored once: ${acked.filter((a) => counts.get(recordId(a)) !== 1).map((a) => `${a.type} ${a.id} (${counts.get(recordId(a)) ?? 0})`).join('; ')}`);
    const paid = acked.filter((a) => PAID[a.type]);
    const debits = new Map(
      (await queryRows<{ command_id: string; reason: string; n: string }>(db.url, 'SELECT command_id, reason, count(*) AS n FROM transfers WHERE command_id = ANY($1) GROUP BY command_id, reason', [paid.map(debitId)])).map((r) => [`${r.command_id}/${r.reason}`, Number(r.n)]),
    );
    const debitsNotOnce = paid.filter((a) => debits.get(`${debitId(a)}/${PAID[a.type]}`) !== 1).map((a) => a.id);

    log('checks done; leaving');
    for (const sim of sims) for (const tab of sim.tabs.values()) await Promise.race([tab.leave().catch(() => undefined), delay(2000)]);
    log('left');
    return {
      seed: options.seed,
      schedule,
      acked: acked.length,
      crashBets: acked.filter((a) => a.type === CrashCommandType.bet).length,
      cashouts: acked.filter((a) => a.type === CrashCommandType.cashout).length,
      refused: sims.reduce((n, s) => n + s.refused, 0),
      rejoins: sims.reduce((n, s) => n + s.rejoins, 0),
      ledger: await ledgerReport(db.url),
      notOnce,
      debitsNotOnce,
      streamsWithGaps,
      balanceMismatches,
      escrowLeft,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    log('servers stopped');
    await pgProxy.close();
    await redisProxy.close();
    await deleteKeys(redis, keyPrefix).catch(() => undefined);
    redis.disconnect();
    await db.drop();
  }
}
