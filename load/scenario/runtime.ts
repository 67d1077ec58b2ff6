// What a scenario may use from its runner. Scenario code (load/scenario/) sees only this
// interface, so the same scenario runs in k6 (load/k6/runtime.ts) and in Node (load/node/runtime.ts).

export type HttpResponse = { status: number; body: string };

/** A binary WebSocket, opened and ready to send. */
export interface LoadSocket {
  send(frame: Uint8Array): void;
  close(code?: number): void;
}

export type SocketHandlers = {
  onMessage(frame: Uint8Array): void;
  onClose(code: number): void;
};

/** The figures every scenario records; both runners report them under these names. */
export const Metric = {
  /** Milliseconds from sending a command to its reply (ack or nack); tagged with the command type. */
  ackLatency: 'coffer_ack_ms',
  /** Milliseconds from the matchmaking request to the joined room. */
  joinLatency: 'coffer_join_ms',
  /** Commands acknowledged (durable). */
  acks: 'coffer_acks',
  /** Commands refused for a business reason the scenario expects (a lost race, an empty wallet). */
  refusals: 'coffer_refusals',
  /** Retryable nacks (UNAVAILABLE, RATE_LIMITED) resent with the same id after a pause. */
  retries: 'coffer_retries',
  /** Rooms joined again after the server closed them with "join again" (4100) or the socket dropped. */
  rejoins: 'coffer_rejoins',
  /** Rate: true for every failure (unexpected nack, timeout, failed sign-in or join, socket closed). */
  errors: 'coffer_errors',
  /** Sign-ins, joins and rejoins that failed: a VU that could not start did no work at all. */
  setupErrors: 'coffer_setup_errors',
  /** Board tasks a player completed (acked task.complete). */
  tasksCompleted: 'coffer_tasks_completed',
  /** Completed tasks whose bounty the winner's ledger did not show exactly once (unpaid or paid twice). */
  bountyMismatches: 'coffer_bounty_mismatches',
} as const;
export type Metric = (typeof Metric)[keyof typeof Metric];

/** The metrics that are counters (both runners create them up front; k6 adds a 0 so a threshold always sees them). */
export const COUNTERS = [Metric.acks, Metric.refusals, Metric.retries, Metric.rejoins, Metric.setupErrors, Metric.tasksCompleted, Metric.bountyMismatches] as const;

/** k6's built-in rate of check() outcomes; the Node runner keeps the same figure under the same name. */
export const CHECKS = 'checks';

export interface LoadRuntime {
  /** JSON over HTTP; never throws for an HTTP status, only for a network failure. */
  http(method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>): Promise<HttpResponse>;
  /** Opens a WebSocket; resolves once it is open. */
  openSocket(url: string, handlers: SocketHandlers): Promise<LoadSocket>;
  env(name: string): string | undefined;
  /** Milliseconds, monotonic enough for latencies. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Runs `fn` once after `ms` unless the returned function is called first. */
  timer(ms: number, fn: () => void): () => void;
  trend(metric: Metric, value: number, tags?: Record<string, string>): void;
  count(metric: Metric, tags?: Record<string, string>): void;
  rate(metric: Metric, failed: boolean, tags?: Record<string, string>): void;
  /** One outcome as a check (k6's check(): the `checks` rate, per name); true is a pass. */
  check(name: string, ok: boolean, tags?: Record<string, string>): boolean;
  log(message: string): void;
}
