// Which crash tables and boards exist: a crash table is configured (CRASH_TABLES; its
// row of `crash_tables`, with a new chain seed, is stored when it is first joined) or a row of
// `crash_tables` (admin.crash.open); a board is configured (BOARDS) or has tasks an admin created
// on it. A client joining any other name is refused, with the names there are. Nothing is written
// at start: a server facing a database not migrated yet stays up and says it is not ready.
import type { Logger } from '../observability/logger.ts';
import { boardHasTasks } from '../store/boardStore.ts';
import type { SeedSource } from '../domain/clock.ts';
import { ensureTables, tableExists, tableNames } from '../store/crashStore.ts';
import type { Orm } from '../store/orm.ts';
import type { Sql } from '../store/sql.ts';
import { refuse } from '../rooms/joinAuth.ts';

const LISTED = 20;

export class SharedNames {
  readonly #sql: Sql;
  readonly #orm: Orm;
  readonly #logger: Logger;
  readonly #boards: Set<string>;
  readonly #configuredTables: Set<string>;
  readonly #seeds: SeedSource;
  // Names only ever come into existence, so a positive answer is kept; a negative one is not.
  readonly #tables = new Set<string>();

  constructor(sql: Sql, orm: Orm, logger: Logger, config: { boards: readonly string[]; crashTables: readonly string[] }, seeds: SeedSource) {
    this.#sql = sql;
    this.#orm = orm;
    this.#logger = logger;
    this.#boards = new Set(config.boards);
    this.#configuredTables = new Set(config.crashTables);
    this.#seeds = seeds;
  }

  async checkCrashTable(table: string): Promise<void> {
    if (this.#tables.has(table)) return;
    if (this.#configuredTables.has(table)) {
      // Stored once, with a chain seed kept from then on (ON CONFLICT keeps an existing one).
      await this.#ask(() => ensureTables(this.#sql, [table], this.#seeds));
      this.#tables.add(table);
      return;
    }
    const exists = await this.#ask(() => tableExists(this.#orm, table));
    if (exists) {
      this.#tables.add(table);
      return;
    }
    const names = new Set([...this.#configuredTables, ...(await this.#ask(() => tableNames(this.#orm, LISTED)))]);
    throw refuse('NOT_FOUND', `there is no crash table named ${table}; the tables are: ${[...names].slice(0, LISTED).join(', ') || 'none'}`);
  }

  async checkBoard(board: string): Promise<void> {
    if (this.#boards.has(board)) return;
    const exists = await this.#ask(() => boardHasTasks(this.#orm, board));
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
