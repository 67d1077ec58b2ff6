// The only module that reads the environment. A bad value stops the process with one line naming
// the variable and what it expects.
import { z } from 'zod';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseFaultPlan, type FaultPlan } from './faults.ts';
import { normalizeAddress } from './http/clientAddress.ts';

export const CONFIG_VARIABLES = [
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'TRANSPORT',
  'DATA_DIR',
  'LOG_LEVEL',
  'PUBLIC_ADDRESS',
  'NODE_ENV',
  'RATE_LIMIT_PER_SECOND',
  'MAX_PAYLOAD_BYTES',
  'EFFECT_SWEEP_SECONDS',
  'SHUTDOWN_TIMEOUT_SECONDS',
  'CRASH_BETTING_MS',
  'CRASH_PAUSE_MS',
  'CRASH_GROWTH_PER_SECOND',
  'REDIS_KEY_PREFIX',
  'RELAY_POLL_MS',
  'RELAY_STREAM_MAXLEN',
  'COFFER_FAULT',
  'ALLOWED_ORIGINS',
  'ALLOWED_HOSTS',
  'TRUSTED_PROXIES',
  'GUEST_SIGNUPS_PER_HOUR',
  'ADMIN_SIGNIN_FAILURES_PER_MINUTE',
  'USER_COMMANDS_PER_SECOND',
  'MAX_SOCKETS_PER_USER',
  'SYNC_BYTES_PER_SECOND',
  'MAX_CONNECTIONS_PER_ADDRESS',
  'ADDRESS_COMMANDS_PER_SECOND',
  'IDEMPOTENCY_WINDOW_HOURS',
  'OUTBOX_RETENTION_HOURS',
  'RETENTION_SWEEP_SECONDS',
  'CRASH_TABLES',
  'BOARDS',
  'ECONOMY_FILE',
] as const;

/** The economy file published at start when ECONOMY_FILE is unset (docs/ECONOMY.md). */
export const DEFAULT_ECONOMY_FILE = path.resolve(import.meta.dirname, '../economy/default.json');

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const url = (protocols: string[], what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), { error: `must be a ${what} URL (${protocols.join(' or ')}//...)` })
      .optional(),
  );

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,9}$/, message)
    .transform(Number)
    .refine((n) => n >= min && n <= max, message);
}

/** The shared rooms the server opens: a comma-separated list of names of [a-z0-9-]. */
function nameList(what: string) {
  const message = `must be a comma-separated list of ${what} names, each 1-32 characters of [a-z0-9-]`;
  return z
    .string()
    .transform((v) => [...new Set(v.split(',').map((name) => name.trim()))])
    .refine((names) => names.length <= 100 && names.every((name) => /^[a-z0-9-]{1,32}$/.test(name)), message);
}

/** Values never echoed back in an error: secrets, and URLs that may carry a password. */
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'ADMIN_PASSWORD', 'DATABASE_URL', 'REDIS_URL']);

const schema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.string().regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535').transform(Number).refine((n) => n <= 65535, 'must be a port number from 0 to 65535').default(2567)),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'PostgreSQL'),
  REDIS_URL: url(['redis:', 'rediss:'], 'Redis'),
  JWT_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12, 'must be at least 12 characters').optional()),
  TRANSPORT: z.preprocess(emptyToUndefined, z.enum(['auto', 'uws', 'ws'], { error: 'must be one of auto, uws, ws' }).default('auto')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info')),
  PUBLIC_ADDRESS: z.preprocess(emptyToUndefined, z.string().optional()),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().default('development')),
  RATE_LIMIT_PER_SECOND: z.preprocess(emptyToUndefined, wholeNumber(1, 1_000_000).default(50)),
  MAX_PAYLOAD_BYTES: z.preprocess(emptyToUndefined, wholeNumber(256, 1_048_576).default(4096)),
  EFFECT_SWEEP_SECONDS: z.preprocess(emptyToUndefined, wholeNumber(1, 3600).default(5)),
  SHUTDOWN_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, wholeNumber(2, 600).default(10)),
  CRASH_BETTING_MS: z.preprocess(emptyToUndefined, wholeNumber(100, 600_000).default(5000)),
  CRASH_PAUSE_MS: z.preprocess(emptyToUndefined, wholeNumber(0, 600_000).default(3000)),
  CRASH_GROWTH_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number from 0.01 to 10').transform(Number).refine((n) => n >= 0.01 && n <= 10, 'must be a decimal number from 0.01 to 10').default(0.06),
  ),
  REDIS_KEY_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1 to 64 characters of letters, digits and :_.-').default('coffer:')),
  RELAY_POLL_MS: z.preprocess(emptyToUndefined, wholeNumber(1, 10_000).default(10)),
  RELAY_STREAM_MAXLEN: z.preprocess(emptyToUndefined, wholeNumber(1000, 100_000_000).default(100_000)),
  COFFER_FAULT: z.preprocess(emptyToUndefined, z.string().optional()),
  ALLOWED_ORIGINS: z.preprocess(emptyToUndefined, z.string().optional()),
  ALLOWED_HOSTS: z.preprocess(emptyToUndefined, z.string().optional()),
  TRUSTED_PROXIES: z.preprocess(emptyToUndefined, z.string().optional()),
  GUEST_SIGNUPS_PER_HOUR: z.preprocess(emptyToUndefined, wholeNumber(1, 100_000_000).default(20)),
  ADMIN_SIGNIN_FAILURES_PER_MINUTE: z.preprocess(emptyToUndefined, wholeNumber(1, 100_000_000).default(30)),
  USER_COMMANDS_PER_SECOND: z.preprocess(emptyToUndefined, wholeNumber(1, 1_000_000).optional()),
  MAX_SOCKETS_PER_USER: z.preprocess(emptyToUndefined, wholeNumber(1, 100_000).default(8)),
  SYNC_BYTES_PER_SECOND: z.preprocess(emptyToUndefined, wholeNumber(1024, 999_999_999).default(262_144)),
  MAX_CONNECTIONS_PER_ADDRESS: z.preprocess(emptyToUndefined, wholeNumber(1, 10_000_000).default(256)),
  ADDRESS_COMMANDS_PER_SECOND: z.preprocess(emptyToUndefined, wholeNumber(1, 100_000_000).default(1000)),
  IDEMPOTENCY_WINDOW_HOURS: z.preprocess(emptyToUndefined, wholeNumber(24, 87_600).default(24)),
  OUTBOX_RETENTION_HOURS: z.preprocess(emptyToUndefined, wholeNumber(1, 87_600).default(168)),
  RETENTION_SWEEP_SECONDS: z.preprocess(emptyToUndefined, wholeNumber(1, 86_400).default(300)),
  CRASH_TABLES: z.preprocess(emptyToUndefined, nameList('crash table').default(['main'])),
  BOARDS: z.preprocess(emptyToUndefined, nameList('board').default(['main'])),
  ECONOMY_FILE: z.preprocess(emptyToUndefined, z.string().optional()),
});

export type Config = {
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  adminPassword: string | undefined;
  transport: 'auto' | 'uws' | 'ws';
  dataDir: string;
  logLevel: string;
  publicAddress: string | undefined;
  nodeEnv: string;
  rateLimitPerSecond: number;
  maxPayloadBytes: number;
  /** How often unapplied cross-room effects are delivered again. */
  effectSweepSeconds: number;
  /** SIGTERM to exit: past this the process logs what it abandons and exits 1 (shutdown.ts). */
  shutdownTimeoutSeconds: number;
  crash: { bettingMs: number; pauseMs: number; growthPerSecond: number };
  /** Prefix of every Redis key Coffer and Colyseus write: deployments sharing a Redis stay apart. */
  redisKeyPrefix: string;
  relay: { pollMs: number; streamMaxLen: number };
  /** Test-only crash point (server/faults.ts); never set in production. */
  fault: FaultPlan | undefined;
  /** Browser origins allowed besides the server's own (`*` = any); see server/http/originPolicy.ts. */
  allowedOrigins: '*' | string[];
  /** Host names (no port) requests may be addressed to besides the server's own (`*` = any); see server/http/hostPolicy.ts. */
  allowedHosts: '*' | string[];
  /** Proxies whose X-Forwarded-For is believed (normalized addresses); see server/http/clientAddress.ts. */
  trustedProxies: string[];
  /** Sign-in limits (server/http/signInLimits.ts). */
  signIn: { guestPerHour: number; adminFailuresPerMinute: number };
  /** Per-account budgets across all of an account's sockets (server/policies/userLimits.ts): in player rooms per process, in shared rooms per room. */
  userLimits: { commandsPerSecond: number; socketsPerUser: number; syncBytesPerSecond: number };
  /** Open WebSockets per client address (server/http/connectionLimits.ts). */
  maxConnectionsPerAddress: number;
  /** Commands per second per client address across its accounts (server/policies/addressLimits.ts). */
  addressCommandsPerSecond: number;
  /** How long stored replies and relayed events are kept (server/store/retention.ts). */
  retention: { idempotencyWindowHours: number; outboxRetentionHours: number; sweepSeconds: number };
  /** Crash tables the server opens at start (with those stored and those admin.crash.open opens); clients join only tables that exist. */
  crashTables: string[];
  /** Boards that exist without an admin having created a task on them. */
  boards: string[];
  /** The economy file (docs/ECONOMY.md): validated before anything is opened, published at start
   *  when it differs from the last version published from the file. */
  economyFile: string;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0]);
    const got = SECRET_VARIABLES.has(variable) ? '' : ` (got ${JSON.stringify(env[variable])})`;
    throw new ConfigError(`${variable} ${issue.message}${got}`);
  }
  const c = parsed.data;
  if (c.DATABASE_URL) {
    // Services mode: several processes must share the secrets, so none may be invented here.
    if (!c.JWT_SECRET) throw new ConfigError('JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)');
    if (!c.ADMIN_PASSWORD) throw new ConfigError('ADMIN_PASSWORD is required when DATABASE_URL is set (at least 12 characters)');
  }
  let fault: FaultPlan | undefined;
  if (c.COFFER_FAULT) {
    if (c.NODE_ENV === 'production') throw new ConfigError('COFFER_FAULT is a test-only crash point and is refused when NODE_ENV=production');
    const plan = parseFaultPlan(c.COFFER_FAULT);
    if (typeof plan === 'string') throw new ConfigError(`COFFER_FAULT ${plan} (got ${JSON.stringify(c.COFFER_FAULT)})`);
    fault = plan;
  }
  const allowedOrigins = parseAllowedOrigins(c.ALLOWED_ORIGINS);
  return {
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    jwtSecret: c.JWT_SECRET,
    adminPassword: c.ADMIN_PASSWORD,
    transport: c.TRANSPORT,
    dataDir: c.DATA_DIR,
    logLevel: c.LOG_LEVEL,
    publicAddress: c.PUBLIC_ADDRESS,
    nodeEnv: c.NODE_ENV,
    rateLimitPerSecond: c.RATE_LIMIT_PER_SECOND,
    maxPayloadBytes: c.MAX_PAYLOAD_BYTES,
    effectSweepSeconds: c.EFFECT_SWEEP_SECONDS,
    shutdownTimeoutSeconds: c.SHUTDOWN_TIMEOUT_SECONDS,
    crash: { bettingMs: c.CRASH_BETTING_MS, pauseMs: c.CRASH_PAUSE_MS, growthPerSecond: c.CRASH_GROWTH_PER_SECOND },
    redisKeyPrefix: c.REDIS_KEY_PREFIX,
    relay: { pollMs: c.RELAY_POLL_MS, streamMaxLen: c.RELAY_STREAM_MAXLEN },
    fault,
    allowedOrigins,
    allowedHosts: parseAllowedHosts(c.ALLOWED_HOSTS),
    trustedProxies: parseTrustedProxies(c.TRUSTED_PROXIES),
    signIn: { guestPerHour: c.GUEST_SIGNUPS_PER_HOUR, adminFailuresPerMinute: c.ADMIN_SIGNIN_FAILURES_PER_MINUTE },
    // Unset: twice the per-socket budget (two busy tabs), so raising one raises both.
    userLimits: { commandsPerSecond: c.USER_COMMANDS_PER_SECOND ?? Math.min(1_000_000, 2 * c.RATE_LIMIT_PER_SECOND), socketsPerUser: c.MAX_SOCKETS_PER_USER, syncBytesPerSecond: c.SYNC_BYTES_PER_SECOND },
    maxConnectionsPerAddress: c.MAX_CONNECTIONS_PER_ADDRESS,
    addressCommandsPerSecond: c.ADDRESS_COMMANDS_PER_SECOND,
    retention: { idempotencyWindowHours: c.IDEMPOTENCY_WINDOW_HOURS, outboxRetentionHours: c.OUTBOX_RETENTION_HOURS, sweepSeconds: c.RETENTION_SWEEP_SECONDS },
    crashTables: c.CRASH_TABLES,
    boards: c.BOARDS,
    economyFile: c.ECONOMY_FILE === undefined ? DEFAULT_ECONOMY_FILE : path.resolve(c.ECONOMY_FILE),
  };
}

/** `*`, or a comma-separated list of host names or addresses without a port (`game.example.com,10.0.0.5`). */
function parseAllowedHosts(value: string | undefined): '*' | string[] {
  if (value === undefined) return [];
  if (value.trim() === '*') return '*';
  return value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => {
      const host = URL.canParse(`http://${entry}/`) ? new URL(`http://${entry}/`) : undefined;
      if (!host || host.port !== '' || host.hostname !== entry) {
        throw new ConfigError(`ALLOWED_HOSTS must be * or a comma-separated list of host names without a port, like game.example.com; ${JSON.stringify(entry)} is not one`);
      }
      return host.hostname;
    });
}

/** A comma-separated list of IP addresses (the proxies in front of Coffer). */
function parseTrustedProxies(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (isIP(entry) === 0) throw new ConfigError(`TRUSTED_PROXIES must be a comma-separated list of IP addresses; ${JSON.stringify(entry)} is not one`);
      return normalizeAddress(entry);
    });
}

/** `*`, or a comma-separated list of origins (`https://game.example.com`); unset = none besides the server's own. */
function parseAllowedOrigins(value: string | undefined): '*' | string[] {
  if (value === undefined) return [];
  if (value.trim() === '*') return '*';
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const origin = URL.canParse(entry) ? new URL(entry).origin : 'null';
      if (origin === 'null' || origin !== entry.replace(/\/$/, '')) {
        throw new ConfigError(`ALLOWED_ORIGINS must be * or a comma-separated list of origins like https://game.example.com (scheme, host and port only); ${JSON.stringify(entry)} is not one`);
      }
      return origin;
    });
}
