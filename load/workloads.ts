// What the bench's clients send: one command at a time, picked by these functions.
import { CommandType } from '../shared/commands.ts';

export type Pick = () => [string, Record<string, unknown>];

export const rpsOnly: Pick = () => ['game.rps', { bet: 1, hand: 'rock' }];

/** Out of every 20 commands: 7 rps, 7 slot, 2 single gacha pulls, 1 ten-pull, 3 shop buys
 *  (unlimited items, so the mix runs as long as the bench does), interleaved. */
export const MIX_LABEL = '35% rps, 35% slot, 15% gacha (1 in 3 a ten-pull), 15% shop.buy';
const MIX: ReturnType<Pick>[] = [
  ...Array.from({ length: 7 }, (): ReturnType<Pick> => ['game.rps', { bet: 5, hand: 'paper' }]),
  ...Array.from({ length: 7 }, (): ReturnType<Pick> => ['game.slot', { bet: 5 }]),
  ['game.gacha', { pulls: 1 }],
  ['game.gacha', { pulls: 1 }],
  ['game.gacha', { pulls: 10 }],
  [CommandType.shopBuy, { itemId: 'health-potion', qty: 1 }],
  [CommandType.shopBuy, { itemId: 'mana-potion', qty: 2 }],
  [CommandType.shopBuy, { itemId: 'health-potion', qty: 3 }],
];
let mixCursor = 0;
export const mixed: Pick = () => MIX[(mixCursor = (mixCursor + 7) % MIX.length)];

