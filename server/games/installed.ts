// The single-player games this server offers: one line per game (docs/GAMES.md "Adding a game").
// Everything else that lists games derives from these exports (games.ts).
export { dice } from './dice.ts';
export { gacha } from './gacha.ts';
export { rps } from './rps.ts';
export { slot } from './slot.ts';
