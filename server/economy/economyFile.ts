// The economy file (ECONOMY_FILE, default economy/default.json), read and validated before the
// server opens or writes anything: a file that cannot be read, is not JSON or does not validate
// stops the start, naming each JSON path and what is wrong (docs/ECONOMY.md, docs/OPERATIONS.md).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Economy, EconomyProblem } from '../../shared/economy.ts';
import { describeProblems, validateEconomy } from './schema.ts';

/** The file the server publishes from when ECONOMY_FILE is unset. */
export const DEFAULT_ECONOMY_FILE = path.resolve(import.meta.dirname, '../../economy/default.json');

export class EconomyFileError extends Error {
  readonly problems: readonly EconomyProblem[];
  constructor(file: string, problems: readonly EconomyProblem[], cause?: unknown) {
    super(`the economy file ${file} is not valid:\n${describeProblems(problems)}`, cause === undefined ? undefined : { cause });
    this.name = 'EconomyFileError';
    this.problems = problems;
  }
}

/** The file's economy, or an EconomyFileError naming every problem. */
export async function readEconomyFile(file: string): Promise<Economy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EconomyFileError(file, [{ path: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }], error);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new EconomyFileError(file, [{ path: '', message: `is not JSON: ${(error as Error).message}` }], error);
  }
  const validation = validateEconomy(document);
  if (!validation.ok) throw new EconomyFileError(file, validation.problems);
  return validation.economy;
}
