// Services mode without PUBLIC_ADDRESS: a seat in another process' room is handed to the client
// without an address, so the client connects back to the process it asked, which has no such
// seat, and the join fails `524 seat reservation expired`; nothing said why. One process alone
// needs no PUBLIC_ADDRESS, so the warning waits until another live process shares the matchmaker
// (checked at start and then every `everyMs`: a process is listed only once its presence wrote its stats), says it once, and stops looking.
import type { Logger } from '../observability/logger.ts';

export type OtherProcesses = () => Promise<string[]>;

export function watchPublicAddress(otherProcesses: OtherProcesses, logger: Pick<Logger, 'warn'>, everyMs: number): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    let others: string[];
    try {
      others = await otherProcesses();
    } catch (error) {
      // Presence unreachable for a moment (Redis restarting): the next check asks again.
      logger.warn({ err: error }, 'could not list the other processes sharing the matchmaker; checking again later');
      others = [];
    }
    if (stopped) return;
    if (others.length > 0) {
      logger.warn(
        { processes: others.length + 1 },
        'PUBLIC_ADDRESS is unset while other processes share this matchmaker: a client sent to a room of another process connects back here and its join fails (524 seat reservation expired). Set PUBLIC_ADDRESS to each process\' own host:port (docs/OPERATIONS.md)',
      );
      return;
    }
    timer = setTimeout(() => void check(), everyMs);
    timer.unref();
  };
  void check();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
