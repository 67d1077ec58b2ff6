// The client side of the installed games (server/games/): each game's card is the default export of
// `client/src/games/<Id>.tsx` (the id capitalised), loaded the first time the Games tab shows it.
// esbuild bundles every file this pattern can name as its own chunk (docs/GAMES.md "Adding a game").
import type { ComponentType } from 'preact';
import type { CommandSender } from '../net/roomLink.ts';

export type GameScreenProps = { player: CommandSender };

export function gameScreenFile(id: string): string {
  return `${id[0].toUpperCase()}${id.slice(1)}`;
}

export function loadGameScreen(id: string): Promise<ComponentType<GameScreenProps>> {
  return import(`./${gameScreenFile(id)}.tsx`).then((m: { default?: ComponentType<GameScreenProps> }) => {
    if (!m.default) throw new Error(`client/src/games/${gameScreenFile(id)}.tsx has no default export`);
    return m.default;
  });
}
