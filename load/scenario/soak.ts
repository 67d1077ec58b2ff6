// The `soak` scenario: steady, moderate load for a long time (DURATION, 10 minutes unless set):
// the players mix with a think time, plus a quarter as many crash players. What it looks for is
// drift (latency creeping up, errors appearing, memory growing), not peak throughput.
import { crashPlayersRole } from './crash.ts';
import { playersRole } from './players.ts';
import type { Scenario } from './scenario.ts';

export const soak: Scenario = {
  name: 'soak',
  description: 'steady load for DURATION (default 10m): the players mix with think time plus crash players',
  admin: 'optional',
  defaults: { vus: 20, duration: '10m', thinkMs: 250 },
  roles: [playersRole, { ...crashPlayersRole, vus: (options) => Math.max(1, Math.ceil(options.vus / 4)) }],
};
