// The installed games' cards on the Games tab, in the order of their ids. This list and the games'
// rules (server/games/) load as one chunk after sign-in, each card's code as its own. Opening the
// tab fetches the current economy again: the currencies each game accepts may have been changed.
import { useEffect } from 'preact/hooks';
import { games } from '../../../server/games/games.ts';
import { refreshEconomy } from '../state/economy.ts';
import { Lazy } from '../screens/Lazy.tsx';
import { loadGameScreen, type GameScreenProps } from './screens.ts';

export function GameCards({ player }: GameScreenProps) {
  useEffect(() => void refreshEconomy(), []);
  return (
    <>
      {games.map((game) => (
        <Lazy key={game.id} load={() => loadGameScreen(game.id)} props={{ player }} />
      ))}
    </>
  );
}
