// The installed games as a list, and their lookups. Browser-safe (no zod): the client's Games tab
// and proof check load it.
import type { GameModule } from './gameModule.ts';
import * as installed from './installed.ts';

export type InstalledGame = (typeof installed)[keyof typeof installed];

/** Every installed game, ordered by id. */
export const games: readonly InstalledGame[] = Object.values(installed).sort((a, b) => a.id.localeCompare(b.id));

/** The installed game whose id is `id` (a proof's `game`). */
export function gameById(id: string): GameModule | undefined {
  return games.find((g) => g.id === id) as GameModule | undefined;
}

/** The installed game whose command is `type`. */
export function gameByCommand(type: string): GameModule | undefined {
  return games.find((g) => g.command === type) as GameModule | undefined;
}
