// Wires one Coffer process: database, commit pipeline, rooms, HTTP routes, transport.
import { createRouter, defineRoom, defineServer, matchMaker, type Server } from '@colyseus/core';
import { hostname } from 'node:os';
import { RedisPresence } from '@colyseus/redis-presence';
import { pendingMigrations } from '../schema/migrate.ts';
import { RoomName } from '../shared/protocol.ts';
import { createSessions } from './auth/sessions.ts';
import { createTokens } from './auth/tokens.ts';
import { createSessionEnforcer } from './auth/sessionEnforcer.ts';
import { reconnectGuard } from './auth/reconnectGuard.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { colyseusRedis, connectRedis } from './db/redis.ts';
import { cryptoSeeds, systemClock, type Clock, type SeedSource } from './domain/clock.ts';
import path from 'node:path';
import { authRoutes } from './http/authRoutes.ts';
import { adminPasses } from './http/adminPass.ts';
import { AdminSignInGuard, GuestSignUpLimit } from './http/signInLimits.ts';
import { clientRoutes } from './http/clientRoutes.ts';
import { healthRoutes, type ReadinessCheck } from './http/healthRoutes.ts';
import { applyCorsPolicy, originPolicy } from './http/originPolicy.ts';
import { hostPolicy } from './http/hostPolicy.ts';
import { ConnectionLimits } from './http/connectionLimits.ts';
import { shopRoutes } from './http/shopRoutes.ts';
import type { Logger } from './observability/logger.ts';
import { createMetrics, pipelineObserver, type Metrics } from './observability/metrics.ts';
import { definePlayerRoom } from './rooms/PlayerRoom.ts';
import { defineBoardRoom } from './rooms/BoardRoom.ts';
import { defineAdminRoom } from './rooms/AdminRoom.ts';
import { defineCrashRoom } from './rooms/CrashRoom.ts';
import { startEffectSweeper } from './jobs/effectSweeper.ts';
import { watchPublicAddress } from './jobs/publicAddressWatch.ts';
import { startLateStakeSweeper } from './jobs/lateStakeSweeper.ts';
import { SharedNames } from './calls/sharedNames.ts';
import { withholdCreate } from './calls/sharedRooms.ts';
import { ChainCache } from './core/crash/chains.ts';
import { AtomicRedisDriver, IndexedLocalDriver } from './matchmaking/drivers.ts';
import { localRoom, RoomDirectory } from './matchmaking/roomDirectory.ts';
import { startRelay } from './relay/startRelay.ts';
import { FenceWatch } from './jobs/fenceWatch.ts';
import { pinJoinByIdToRoomOwner } from './rooms/roomAccess.ts';
import { UserLimits } from './policies/userLimits.ts';
import { AddressLimits } from './policies/addressLimits.ts';
import { resolveSecrets } from './secrets.ts';
import { CommitPipeline } from './store/commitPipeline.ts';
import { batchStatement } from './store/batchStatements.ts';
import { sqlFor } from './store/sql.ts';
import { sqlWriterStore } from './store/writerStore.ts';
import { ormOver } from './store/orm.ts';
import { startRetention } from './store/retention.ts';
import { syncReadLimit } from './store/outboxReader.ts';
import pLimit from 'p-limit';
import { createTransport } from './transport.ts';
import { assertPortFree } from './portCheck.ts';
import { createFaults } from './faults.ts';
import { shutdownDeadline } from './shutdown.ts';
import { readEconomyFile } from './economy/economyFile.ts';
import { ECONOMY_POLL_MS, EconomyRuntime } from './economy/runtime.ts';
import { presenceAnnouncer } from './economy/announcer.ts';
import { economyRoutes } from './http/economyRoutes.ts';

// Built by `npm run build:client` (client/build.ts); `npm start` builds it when missing.
const CLIENT_DIST_DIR = path.resolve(import.meta.dirname, '../client/dist');

export type App = { server: Server; database: Database; transport: 'uws' | 'ws'; pipeline: CommitPipeline; port: number; metrics: Metrics };

export async function startApp(config: Config, logger: Logger, overrides: { clock?: Clock; seeds?: SeedSource } = {}): Promise<App> {
  // Before anything is opened or written: an economy file that does not validate stops the start,
  // naming each JSON path and what is wrong (docs/ECONOMY.md).
  const economyFile = { name: publisherName(config.economyFile), economy: await readEconomyFile(config.economyFile) };
  // Before anything is opened or written: a second `npm start` fails at once, naming PORT.
  await assertPortFree(config.port);
  const secrets = await resolveSecrets(config);
  if (secrets.createdAdminPassword) {
    // Printed once, when it is invented; it is kept in DATA_DIR/secrets.json afterwards.
    console.log(`Coffer admin password (kept in ${config.dataDir}/secrets.json): ${secrets.adminPassword}`);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: !config.databaseUrl, logger });
  const sql = await sqlFor(database.orm);
  const orm = ormOver(database.orm, sql);
  const metrics = createMetrics();
  const faults = config.fault ? createFaults(config.fault) : undefined;
  if (config.fault) logger.warn({ fault: config.fault }, 'COFFER_FAULT is set: this process will kill itself at the configured crash point');
  const pipeline = new CommitPipeline(sql, batchStatement(database.orm.getMetadata()), { faults }, pipelineObserver(metrics, (reason, error) => logger.warn({ reason, err: error }, 'mutation not committed')));
  const clock = overrides.clock ?? systemClock;
  const sessions = createSessions(sql, clock);
  const tokens = createTokens(secrets.jwtSecret, secrets.adminPassword, sessions);
  // Fails fast while Redis is away (readiness, the relay); Colyseus gets connections of its own.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  // The file published when it changed, then the newest version in force (server/economy/runtime.ts).
  const economy = await EconomyRuntime.start({ sql, orm, logger }, economyFile);

  const checks: Record<string, ReadinessCheck> = {
    database: async () => {
      const pending = await pendingMigrations(database.orm);
      return pending.length === 0 ? { ok: true } : { ok: false, detail: `pending migrations: ${pending.join(', ')}` };
    },
  };
  if (redis) checks.redis = async () => ({ ok: (await redis.ping()) === 'PONG' });

  const origins = originPolicy(config.allowedOrigins);
  applyCorsPolicy(origins);
  const hosts = hostPolicy(config.allowedHosts, config.publicAddress);
  // Every route and every WebSocket upgrade: first the Host (DNS rebinding), then the Origin.
  const gate = (request: Request) => hosts.check(request) ?? origins.check(request);
  pinJoinByIdToRoomOwner();
  const reconnects = reconnectGuard(tokens);
  const connections = new ConnectionLimits(config.maxConnectionsPerAddress, new Set(config.trustedProxies));
  // A WebSocket upgrade also counts against its address, and a reconnection needs a valid session.
  const beforeUpgrade = async (request: Request, context: { token?: unknown }) => gate(request) ?? connections.check(request) ?? (await reconnects(request, context));
  const { transport, name } = await createTransport(config.transport, config.maxPayloadBytes, logger, beforeUpgrade, undefined, connections);
  metrics.transport.set({ transport: name }, 1);
  // Who this process is among the others: it names its relay consumer group.
  const identity = config.publicAddress ?? `${hostname()}:${config.port}`;
  const relay = startRelay(sql, { identity, pollMs: config.relay.pollMs, streamMaxLen: config.relay.streamMaxLen, redis, keyPrefix: config.redisKeyPrefix }, logger, metrics);
  const fenceWatch = new FenceWatch();
  fenceWatch.start(sql, 1000, logger);
  const enforcer = createSessionEnforcer(`${config.redisKeyPrefix}sessions:end`, logger);
  const userLimits = new UserLimits(config.userLimits, clock);
  const addressLimits = new AddressLimits(config.addressCommandsPerSecond, clock);
  // Shared rooms belong to the server: only configured or admin-opened tables and boards
  // exist, and no client may create a room (a create replaced live ones).
  withholdCreate();
  const names = new SharedNames(sql, orm, logger, config, overrides.seeds ?? cryptoSeeds);
  // The matchmaker's room cache, with player rooms found by key (roomDirectory.ts).
  const directory = new RoomDirectory(
    config.redisUrl ? new AtomicRedisDriver(colyseusRedis(config.redisUrl, config.redisKeyPrefix, 'matchmaker', logger)) : new IndexedLocalDriver(),
    (kind) => metrics.roomLookups.inc({ kind }),
    async (processId) => Boolean(await matchMaker.healthCheckProcessId(processId)),
    localRoom,
  );
  const syncReads = pLimit(syncReadLimit(database.poolMax));
  const deps = { directory, names, chains: new ChainCache(), sessions, enforcer, userLimits, addressLimits, events: relay.bus, fenceWatch, sql, orm, store: sqlWriterStore(sql), pipeline, syncReads, clock, seeds: overrides.seeds ?? cryptoSeeds, economy, logger, tokens, metrics, rateLimitPerSecond: config.rateLimitPerSecond, faults };
  const server = defineServer({
    transport,
    greet: false,
    publicAddress: config.publicAddress,
    // Services mode: rooms of every process in one matchmaker, remote room calls between them.
    ...(config.redisUrl
      ? { presence: new RedisPresence(colyseusRedis(config.redisUrl, config.redisKeyPrefix, 'presence', logger)) }
      : {}),
    driver: directory,
    // SIGTERM/SIGINT: matchmaking stops, each room flushes the pipeline and closes its clients
    // with a reconnect code (PlayerRoom.onBeforeShutdown), then onShutdown below, then exit 0.
    gracefullyShutdown: true,
    rooms: {
      [RoomName.player]: defineRoom(definePlayerRoom(deps)).filterBy(['userId']),
      [RoomName.board]: defineRoom(defineBoardRoom(deps)).filterBy(['board']),
      [RoomName.admin]: defineRoom(defineAdminRoom(deps)),
      [RoomName.crash]: defineRoom(defineCrashRoom({ ...deps, crash: config.crash })).filterBy(['table']),
    },
    routes: createRouter({
      ...authRoutes(tokens, secrets.adminPassword, {
        admin: new AdminSignInGuard(config.signIn.adminFailuresPerMinute, clock),
        adminPasses: adminPasses(secrets.jwtSecret, secrets.adminPassword, clock),
        guest: new GuestSignUpLimit(config.signIn.guestPerHour, clock),
        trustedProxies: new Set(config.trustedProxies),
        logger,
      }, sessions),
      ...healthRoutes(checks, metrics, () => matchMaker.state === matchMaker.MatchMakerState.SHUTTING_DOWN),
      ...shopRoutes(orm, deps.economy, clock),
      ...economyRoutes(economy),
      ...clientRoutes(CLIENT_DIST_DIR),
    }, { onRequest: gate }),
  });
  const stopRetention = startRetention(sql, { ...config.retention, relayed: redis ? 'redis' : 'in-process' }, clock, logger);
  const sweeper = startEffectSweeper(orm, logger, config.effectSweepSeconds * 1000);
  const stopStakeSweeper = startLateStakeSweeper(sql, logger, config.effectSweepSeconds * 1000);
  const deadline = shutdownDeadline(config.shutdownTimeoutSeconds * 1000, logger, () => ({
    rooms: matchMaker.stats.local.roomCount,
    clients: matchMaker.stats.local.ccu,
    uncommitted: pipeline.depth,
  }));
  // SIGTERM/SIGINT, first step: nothing new starts (sweeps, fence reads, commits), and what was
  // submitted gets a bounded time to commit before the rooms close their clients.
  let stopPublicAddressWatch = () => {};
  server.onBeforeShutdown(async () => {
    deadline.arm();
    stopPublicAddressWatch();
    economy.stop();
    sweeper.stop();
    stopRetention();
    enforcer.stop();
    stopStakeSweeper();
    fenceWatch.stop();
    const abandoned = await pipeline.drain(deadline.drainGraceMs);
    if (abandoned > 0) logger.warn({ abandoned }, 'commands not committed before shutdown were refused as UNAVAILABLE; their clients resend them');
  });
  server.onShutdown(async () => {
    await relay.stop();
    redis?.disconnect();
    await database.close();
  });
  await server.listen(config.port, '0.0.0.0');
  enforcer.start();
  // The presence exists once the server listens. One process (embedded mode) has no one to poll for.
  economy.listen(presenceAnnouncer(`${config.redisKeyPrefix}economy:published`), database.mode === 'services' ? ECONOMY_POLL_MS : undefined);
  if (config.redisUrl && !config.publicAddress) {
    const otherProcesses = async () => {
      const others = (await matchMaker.stats.fetchAll()).map((p) => p.processId).filter((id) => id !== matchMaker.processId);
      const live = await Promise.all(others.map(async (id) => ((await matchMaker.healthCheckProcessId(id)) ? id : undefined)));
      return live.filter((id) => id !== undefined);
    };
    stopPublicAddressWatch = watchPublicAddress(otherProcesses, logger, 5_000).stop;
  }
  // Every client that joins a room while it is being created waits on one presence channel for
  // it: fifty players arriving at once are fifty listeners, not a leak (Node warns past ten).
  // The matchmaker has its presence once the server listens.
  matchMaker.presence.setMaxListeners(0);
  logger.info({ port: config.port, transport: name, mode: database.mode }, 'coffer is listening');
  return { server, database, transport: name, pipeline, port: config.port, metrics };
}

/** How the file names itself as a version's publisher: its path from the working directory when under it. */
function publisherName(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
