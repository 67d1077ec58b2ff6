// Every scenario by name: the k6 build makes one bundle per entry, `npm run load -- <name>` runs one.
import { admin } from './admin.ts';
import { board } from './board.ts';
import { crash } from './crash.ts';
import { players } from './players.ts';
import type { Scenario } from './scenario.ts';
import { soak } from './soak.ts';

export const scenarios = { players, board, crash, admin, soak } as const satisfies Record<string, Scenario>;
export type ScenarioName = keyof typeof scenarios;

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(scenarios, name);
}
