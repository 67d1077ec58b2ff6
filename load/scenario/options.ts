// Scenario options, read from the environment the same way by both runners (k6's __ENV, Node's
// process.env): BASE_URL, VUS, DURATION, ADMIN_PASSWORD, THINK_MS, COMMANDS, and the thresholds.

/** Every variable a scenario reads (run.ts passes these into the k6 container). */
export const OPTION_VARIABLES = [
  'BASE_URL', 'VUS', 'DURATION', 'THINK_MS', 'COMMANDS', 'ADMIN_PASSWORD', 'FUND_GOLD',
  'ACK_P95_MS', 'ACK_P99_MS', 'MAX_ERROR_RATE', 'MIN_ACKS', 'SUMMARY_FILE',
  'BOARD', 'TASKS_PER_SECOND', 'CRASH_TABLE', 'GRANTS_PER_SECOND', 'TARGETS',
] as const;

export type Thresholds = {
  ackP95Ms: number;
  ackP99Ms: number;
  maxErrorRate: number;
  /** The fewest acknowledged commands a run may end with; unset: one per VU (scenarioThresholds). */
  minAcks: number | undefined;
};

export type ScenarioOptions = {
  baseUrl: string;
  vus: number;
  durationMs: number;
  /** Pause between one VU's commands (0: the next command goes as soon as the reply is in). */
  thinkMs: number;
  adminPassword: string | undefined;
  /** Stop each VU after this many commands (tests use it to bound a run by work, not by time). */
  commandsPerVu: number | undefined;
  /** Gold an admin grants each player at the start (0: none; players then live on the daily claim). */
  fundGold: number;
  thresholds: Thresholds;
};

export type OptionDefaults = { vus?: number; duration?: string; thinkMs?: number };

/** `90s`, `5m`, `1h`, `1500ms` or plain seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`DURATION must look like 30s, 5m, 1h or 1500ms, got ${JSON.stringify(text)}`);
  const unit = match[2] ?? 's';
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${name} must be a number > 0, got ${JSON.stringify(text)}`);
  return value;
}

export function readOptions(env: (name: string) => string | undefined, defaults: OptionDefaults = {}): ScenarioOptions {
  const commands = env('COMMANDS');
  return {
    baseUrl: (env('BASE_URL') || 'http://localhost:2567').replace(/\/+$/, ''),
    vus: wholeNumber('VUS', env('VUS'), defaults.vus ?? 10, 1),
    durationMs: parseDuration(env('DURATION') || defaults.duration || '30s'),
    thinkMs: wholeNumber('THINK_MS', env('THINK_MS'), defaults.thinkMs ?? 0),
    adminPassword: env('ADMIN_PASSWORD') || undefined,
    commandsPerVu: commands ? wholeNumber('COMMANDS', commands, 0, 1) : undefined,
    fundGold: wholeNumber('FUND_GOLD', env('FUND_GOLD'), 100_000),
    thresholds: {
      ackP95Ms: positive('ACK_P95_MS', env('ACK_P95_MS'), 250),
      ackP99Ms: positive('ACK_P99_MS', env('ACK_P99_MS'), 500),
      maxErrorRate: positive('MAX_ERROR_RATE', env('MAX_ERROR_RATE'), 0.01),
      minAcks: env('MIN_ACKS') ? wholeNumber('MIN_ACKS', env('MIN_ACKS'), 0, 1) : undefined,
    },
  };
}
