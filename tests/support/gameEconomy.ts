// Economy versions for the games' tests: today's default as a published version, another version
// with one game's params changed, and the params a module gets from either.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PublishedEconomy } from '../../shared/economy.ts';
import { defaultPublished } from '../../server/economy/defaultEconomy.ts';
import { schemaKit } from '../../server/games/commands.ts';
import type { GameModule } from '../../server/games/gameModule.ts';
import { gameEconomy, type GameEconomy } from '../../server/games/play.ts';
import type { z } from 'zod';

type AnyGame<P extends z.ZodType> = GameModule<`game.${string}`, z.ZodRawShape, z.ZodType, unknown, P>;

/** Version 1: economy/default.json. */
export const defaultVersion: PublishedEconomy = defaultPublished();

/** `game`'s params in the default version, checked against the module's own schema. */
export function defaultParams<P extends z.ZodType>(game: AnyGame<P>): z.output<P> {
  return game.params(schemaKit).parse(defaultVersion.economy.games[game.id]);
}

/** Version `version`: the default document with `game`'s params changed by `change` (checked against the module's schema). */
export function versionWith<P extends z.ZodType>(game: AnyGame<P>, version: number, change: (params: z.output<P>) => z.output<P>): PublishedEconomy {
  const params = game.params(schemaKit).parse(change(structuredClone(defaultParams(game))));
  return { ...defaultVersion, version, economy: { ...defaultVersion.economy, games: { ...defaultVersion.economy.games, [game.id]: params } } };
}

/** What playGame takes: the version's number and `game`'s params in it. */
export function under<P extends z.ZodType>(game: AnyGame<P>, published: PublishedEconomy = defaultVersion): GameEconomy<z.output<P>> {
  return gameEconomy(game, published);
}

/** The refusals of a module's params schema, as `path: message` lines. */
export function paramsIssues<P extends z.ZodType>(game: AnyGame<P>, params: unknown): string[] {
  const parsed = game.params(schemaKit).safeParse(params);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** The refusal `play` throws: its wire code, reason and message. */
export function refusalOf(play: () => unknown): { code: string; reason: string | undefined; message: string } {
  try {
    play();
  } catch (error) {
    const { code, reason, message } = error as { code: string; reason?: string; message: string };
    return { code, reason, message };
  }
  throw new Error('the play was not refused');
}

/** `published` as `GET /economy/<version>` serves it, saved to a file for `npm run verify -- --economy <file>`. */
export async function savedVersion(published: PublishedEconomy): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'coffer-economy-')), `economy-${published.version}.json`);
  await writeFile(file, JSON.stringify({ version: published.version, publishedAt: published.publishedAt, economy: published.economy }));
  return file;
}
