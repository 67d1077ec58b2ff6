// Which crash tables and boards exist (issue 15): a crash table is a row of `crash_tables` (the
// configured ones are stored at start, CRASH_TABLES); a board is configured (BOARDS) or has tasks
// an admin created on it. A client joining any other name is refused, with the names there are.
import type { Logger } from '../observability/logger.ts';
import { boardHasTasks } from '../store/boardStore.ts';
import { tableExists, tableNames } from '../store/crashStore.ts';
import type { Sql } from '../store/sql.ts';
import { refuse } from './joinAuth.ts';

const LISTED = 20;

export class SharedNames {
  readonly #sql: Sql;
  readonly #logger: Logger;
  readonly #boards: Set<string>;
  // Names only ever come into existence, so a positive answer is kept; a negative one is not.
  readonly #tables = new Set<string>();

  constructor(sql: Sql, logger: Logger, boards: readonly string[]) {
    this.#sql = sql;
    this.#logger = logger;
    this.#boards = new Set(boards);
  }

  async checkCrashTable(table: string): Promise<void> {
    if (this.#tables.has(table)) return;
    const exists = await this.#ask(() => tableExists(this.#sql, table));
    if (exists) {
      this.#tables.add(table);
      return;
    }
    const names = await this.#ask(() => tableNames(this.#sql, LISTED));
    throw refuse('NOT_FOUND', `there is no crash table named ${table}; the tables are: ${names.join(', ') || 'none'}`);
  }

  async checkBoard(board: string): Promise<void> {
    if (this.#boards.has(board)) return;
    const exists = await this.#ask(() => boardHasTasks(this.#sql, board));
    if (exists) {
      this.#boards.add(board);
      return;
    }
    throw refuse('NOT_FOUND', `there is no board named ${board}; the boards are: ${[...this.#boards].slice(0, LISTED).join(', ')} (an admin's admin.task.create opens a new one)`);
  }

  async #ask<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      this.#logger.warn({ err: error }, 'shared room names could not be read');
      throw refuse('UNAVAILABLE', 'storage is unavailable; try joining again shortly');
    }
  }
}
