// What the process does with an error nothing caught, once it serves (docs/OPERATIONS.md, "Unexpected
// errors"). Colyseus' Server registers an 'uncaughtException' listener that starts its graceful
// shutdown and exits 1 on any error at all: with it, one request that reached a throw outside a
// catch sent every client away with 4100 and ended a running crash round, and an attacker could
// repeat it every few seconds under `restart: unless-stopped`. This replaces it: the error is logged
// with what is known and counted (coffer_unexpected_errors_total), and the process keeps serving.
//
// Why keeping on is safe here: money only moves in PostgreSQL transactions and a command is acked
// only after its commit, so an error that cut a callback short leaves nothing half-written in the
// ledger; a room that lost its fence or its storage closes itself (4100) on its own path. Ending
// the process would turn any such error into a denial of service for every player on it.
// Startup failures are not hidden: the policy is installed only once the server listens (main.ts);
// before that, an error ends the process as it always did.
import type { Logger } from './observability/logger.ts';

export type UnexpectedKind = 'uncaught_exception' | 'unhandled_rejection';

export type UnexpectedErrorDeps = {
  process: Pick<NodeJS.Process, 'on' | 'removeAllListeners'>;
  logger: Pick<Logger, 'error'>;
  /** Counts one unexpected error (the metric). */
  count(kind: UnexpectedKind): void;
  /** Answers the error on the HTTP request whose handling raised it, if one is still open, and says
   *  so; that request's line carries the method, path and address (edgeGuard.ts). */
  failRequestInFlight(error: unknown): boolean;
};

/**
 * Replaces every 'uncaughtException' and 'unhandledRejection' listener with ours. All of them, not
 * only Colyseus' by identity: its listener is an anonymous closure registered in the Server's
 * constructor (core/build/utils/Utils.mjs, registerGracefulShutdown), and any listener left on
 * these events decides what happens to the process as much as ours does. Signal handlers
 * (SIGTERM/SIGINT: the graceful shutdown) are left as they are.
 */
export function keepServingOnUnexpectedErrors({ process, logger, count, failRequestInFlight }: UnexpectedErrorDeps): void {
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  // A throw that escaped an event callback: that callback's work stopped where it threw; the rest
  // of the process (other rooms, other requests, the commit pipeline) is untouched.
  process.on('uncaughtException', (error, origin) => {
    count('uncaught_exception');
    if (failRequestInFlight(error)) return;
    logger.error({ err: error, origin, kind: 'uncaught_exception' }, 'an error escaped every catch; logged and counted, the process keeps serving');
  });
  // A promise nobody awaited failed: the work it stood for is already over, nothing waits on it.
  process.on('unhandledRejection', (reason) => {
    count('unhandled_rejection');
    if (failRequestInFlight(reason)) return;
    logger.error({ err: reason, kind: 'unhandled_rejection' }, 'a promise nobody awaited was rejected; logged and counted, the process keeps serving');
  });
}
