// The installed games (server/games/installed.ts) are the one list: each has its command named
// after its id, its params in the default economy (economy/default.json) valid by its own schema,
// a return to player computed from them, a test, a client card, and a section of docs/GAMES.md
// naming every field, every result field and every param. Adding a game without one of them fails
// here (docs/GAMES.md "Adding a game").
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ZodObject } from 'zod';
import { defaultEconomy } from '../server/economy/defaultEconomy.ts';
import { gameCommands, gameParamsSchemas, gameResultSchemas, schemaKit } from '../server/games/commands.ts';
import { games } from '../server/games/games.ts';
import { gameScreenFile } from '../client/src/games/screens.ts';
import { playerCommands } from '../shared/commands.ts';
import { section, tableRows } from './support/markdown.ts';
import { ROOT } from './support/server.ts';

const gamesDoc = readFileSync(path.join(ROOT, 'docs/GAMES.md'), 'utf8');

test('every installed game is named once, by its command game.<id>, apart from the room’s own commands', () => {
  for (const id of ['gacha', 'rps', 'slot']) assert.ok(games.some((g) => g.id === id), `the built-in ${id} is installed`);
  assert.equal(new Set(games.map((g) => g.id)).size, games.length);
  for (const game of games) {
    assert.match(game.id, /^[a-z][a-z0-9]*$/, `${game.id}: a lowercase id (it names a file and a stats key)`);
    assert.equal(game.command, `game.${game.id}`);
    assert.ok(!(game.command in playerCommands), `${game.command} is not also one of the player room's own commands`);
    assert.ok(game.title.length > 0);
  }
  assert.deepEqual(Object.keys(gameCommands).sort(), games.map((g) => g.command).sort());
  assert.deepEqual(Object.keys(gameResultSchemas).sort(), games.map((g) => g.command).sort());
});

test('every installed game has its test and its client card (the default export of client/src/games/<Id>.tsx)', () => {
  for (const game of games) {
    assert.ok(existsSync(path.join(ROOT, `server/games/${game.id}.test.ts`)), `server/games/${game.id}.test.ts`);
    const card = path.join(ROOT, `client/src/games/${gameScreenFile(game.id)}.tsx`);
    assert.ok(existsSync(card), `${game.id} has no client card ${path.relative(ROOT, card)}`);
    assert.match(readFileSync(card, 'utf8'), /export default function \w+\(/, `${path.relative(ROOT, card)} has a default export`);
    assert.match(readFileSync(card, 'utf8'), new RegExp(`'${game.command.replace('.', '\\.')}'`), `${path.relative(ROOT, card)} sends ${game.command}`);
  }
});

test('docs/GAMES.md documents every installed game: its row names every field and every result field', () => {
  for (const game of games) {
    const row = tableRows(section(gamesDoc, `\`${game.command}\``)).get(game.command);
    assert.ok(row, `docs/GAMES.md: the section of ${game.command} has its row in a table`);
    const [, , fields, result] = row.split('|');
    for (const field of Object.keys((gameCommands as Record<string, ZodObject>)[game.command].shape).filter((f) => f !== 'id')) {
      assert.match(fields, new RegExp(`\`${field}\``), `docs/GAMES.md: ${game.command} lists its field ${field}`);
    }
    for (const field of Object.keys((gameResultSchemas as Record<string, ZodObject>)[game.command].shape)) {
      assert.match(result, new RegExp(`\\b${field}\\b`), `docs/GAMES.md: ${game.command} lists its result field ${field}`);
    }
  }
});

test('every installed game declares its params: the default economy holds a valid section for it, and nothing for a game not installed', () => {
  assert.deepEqual(Object.keys(defaultEconomy.games).sort(), games.map((g) => g.id).sort());
  assert.deepEqual(Object.keys(gameParamsSchemas).sort(), games.map((g) => g.id).sort());
  for (const game of games) {
    const parsed = game.params(schemaKit).safeParse(defaultEconomy.games[game.id]);
    assert.ok(parsed.success, `economy/default.json games.${game.id}: ${parsed.error?.message}`);
    assert.deepEqual(parsed.data, defaultEconomy.games[game.id], `games.${game.id}: a params schema has no transforms or defaults (the section as published is what the game gets)`);
  }
});

test('every installed game computes its return to player from its params: a number in (0, 1], or undefined for a game that pays no currency', () => {
  const rtps = Object.fromEntries(games.map((g) => [g.id, (g.rtp as (p: unknown) => number | undefined)(defaultEconomy.games[g.id])]));
  for (const [id, rtp] of Object.entries(rtps)) assert.ok(rtp === undefined || (rtp > 0 && rtp <= 1), `${id}: ${rtp}`);
  assert.deepEqual([rtps.rps, rtps.dice, rtps.slot?.toFixed(5), rtps.gacha], [1, 0.99, '0.94998', undefined]);
});

test('a game whose params name currencies (limits, a price) takes a currency field, gold when left out', () => {
  for (const game of games) {
    const shape = (gameCommands as Record<string, ZodObject>)[game.command].shape;
    assert.ok('currency' in shape, `${game.command} has a currency field`);
    const sample = { id: 'cmd-currency-1', ...Object.fromEntries(Object.keys(shape).filter((f) => f !== 'id' && f !== 'currency').map((f) => [f, f === 'hand' ? 'rock' : f === 'over' ? true : f === 'target' ? 50 : 1])) };
    assert.equal((gameCommands as Record<string, ZodObject>)[game.command].parse(sample).currency, 'gold', game.command);
  }
});

test('docs/GAMES.md lists every param of every installed game, in the game’s section', () => {
  for (const game of games) {
    const rows = tableRows(section(gamesDoc, `\`${game.command}\``));
    for (const param of Object.keys(defaultEconomy.games[game.id] as object)) assert.ok(rows.has(param), `docs/GAMES.md: the section of ${game.command} has a params row for ${param}`);
  }
});
