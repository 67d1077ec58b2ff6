// Test-only crash points: with COFFER_FAULT set, the process kills itself (SIGKILL, no
// cleanup, exactly like a crash) at one point of one command's life, so tests can prove that a
// retry after a restart has exactly one effect. Off unless configured; refused in production
// (config.ts). The selector is a command id prefix: only a command whose id starts with it is hit.
// One point does not kill: `answer-lost` makes a shared room's commit look failed after it
// committed (as when the connection drops after COMMIT), so the room must learn it from storage.

export const FAULT_POINTS = ['before-commit', 'after-commit', 'after-ack', 'answer-lost'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export type FaultPlan = { point: FaultPoint; idPrefix: string };

export type Faults = {
  /** Kills the process when `point` and `commandId` match the plan (`answer-lost` throws a lost
   *  connection's error instead); returns otherwise. */
  at(point: FaultPoint, commandId: string | undefined): void;
};

/** `<point>:<id prefix>`, e.g. `after-commit:crash-me-`. Returns an error sentence when malformed. */
export function parseFaultPlan(value: string): FaultPlan | string {
  const colon = value.indexOf(':');
  const point = colon < 0 ? value : value.slice(0, colon);
  const idPrefix = colon < 0 ? '' : value.slice(colon + 1);
  if (!(FAULT_POINTS as readonly string[]).includes(point)) return `must be <point>:<command id prefix> with point one of ${FAULT_POINTS.join(', ')}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(idPrefix)) return 'must name a command id prefix after the colon (1-64 characters of [A-Za-z0-9_-])';
  return { point: point as FaultPoint, idPrefix };
}

export function createFaults(plan: FaultPlan | undefined, onHit: (point: FaultPoint, commandId: string) => void = crash): Faults {
  return {
    at(point, commandId) {
      if (!plan || point !== plan.point || !commandId?.startsWith(plan.idPrefix)) return;
      onHit(point, commandId);
    },
  };
}

function crash(point: FaultPoint, commandId: string): void {
  if (point === 'answer-lost') throw new Error(`Connection terminated unexpectedly (COFFER_FAULT answer-lost hit by command ${commandId})`);
  // One line on stderr so a test's output says why the process died, then no cleanup at all.
  process.stderr.write(`coffer: COFFER_FAULT ${point} hit by command ${commandId}; killing the process\n`);
  const kill = () => process.kill(process.pid, 'SIGKILL');
  // After the ack: let the transport hand the ack frame to the kernel first (uWS may cork sends
  // until the current callback returns), then die before anything else runs.
  if (point === 'after-ack') setImmediate(kill);
  else kill();
}
