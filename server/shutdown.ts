// SIGTERM always ends the process. Colyseus' graceful shutdown waits for every room to dispose, and
// a room can wait on storage that is gone (a commit retrying, a settlement that cannot be stored):
// without a deadline such a process never exits and needs SIGKILL. The deadline is the backstop;
// the normal path (the pipeline drained within a grace, rooms closed, storage closed) exits 0
// well before it.
import type { Logger } from './observability/logger.ts';

export type ShutdownDeadline = {
  /** Starts the clock; idempotent. */
  arm(): void;
  /** Part of the budget for letting submitted commands commit: the rest is for rooms and storage. */
  readonly drainGraceMs: number;
};

/**
 * `whatIsLeft` names what the process abandons when the deadline passes (rooms still open, work
 * not committed). Nothing acknowledged is ever among it: an ack is sent only after its commit.
 */
export function shutdownDeadline(timeoutMs: number, logger: Logger, whatIsLeft: () => Record<string, unknown>, exit: (code: number) => void = (code) => process.exit(code)): ShutdownDeadline {
  let timer: NodeJS.Timeout | undefined;
  return {
    drainGraceMs: Math.floor(timeoutMs * 0.4),
    arm() {
      if (timer) return;
      logger.info({ timeoutMs }, 'shutting down');
      timer = setTimeout(() => {
        logger.error({ timeoutMs, abandoned: whatIsLeft() }, 'shutdown did not finish in time; exiting with what is listed unfinished (none of it was acknowledged)');
        exit(1);
      }, timeoutMs);
      // Not a reason to stay alive: a process with nothing left to do exits by itself.
      timer.unref();
    },
  };
}
