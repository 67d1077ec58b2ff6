// The live economy (docs/ECONOMY.md "Versions"): the version in force held in memory, read by every
// decider once per command (`current()`, server/economy/source.ts), and replaced whole when a new
// version is published. Publishing validates the document, stores it as the next version (with
// the admin's audit line) in one transaction, switches this process at once and tells the others
// through the presence (Redis pub/sub in services mode); each process also polls the newest
// version number, so one that missed the message switches within a poll.
//
// At start the economy file is published when it differs from the last version published from
// the file (so editing the file and restarting works, and a restart never undoes an admin's
// publish); the newest stored version is then in force.
import type { Economy, EconomyProblem, PublishedEconomy } from '../../shared/economy.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Orm } from '../store/orm.ts';
import type { Queryable, Sql } from '../store/sql.ts';
import type { EconomySource } from './source.ts';
import { describeProblems, validateEconomy } from './schema.ts';
import { FILE_PUBLISHER, insertPublishAudit, insertVersion, isVersionTaken, lastFromFile, lockVersions, latestVersion, latestVersionNumber, listVersions, versionByNumber, type VersionListing } from './versionStore.ts';

/** How often a process looks for a version it was not told about (services mode). */
export const ECONOMY_POLL_MS = 1_000;
/** Tries of the file's publish at start when a version was taken all the same. */
const PUBLISH_TRIES = 3;
/** Old versions kept in memory for GET /economy/<version> (each is immutable). */
const CACHED_VERSIONS = 32;

/** Where processes tell each other that a version was published (the Colyseus presence). */
export type Announcer = {
  announce(version: number): Promise<void>;
  /** Calls `heard` for each version another process announces; returns the unsubscribe. */
  listen(heard: (version: number) => void): () => void;
};

export type EconomyRuntimeDeps = { sql: Sql; orm: Orm; logger: Logger };

/** The economy file, read and validated (economyFile.ts), and how it names itself as a publisher. */
export type EconomyFile = { name: string; economy: Economy };

/** A document refused at publish: INVALID_INPUT, naming every problem; `details` lists them for editors. */
export class InvalidEconomy extends DomainError {
  constructor(problems: readonly EconomyProblem[]) {
    super('INVALID_INPUT', `economy is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}, by JSON path in the document):\n${describeProblems(problems)}`, false, undefined, problems);
    this.name = 'InvalidEconomy';
  }
}

export class EconomyRuntime implements EconomySource {
  readonly #deps: EconomyRuntimeDeps;
  #current: PublishedEconomy;
  readonly #cache = new Map<number, PublishedEconomy>();
  #announcer: Announcer | undefined;
  #unlisten = () => {};
  #poll: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  /** A stored version this server cannot read, logged once. */
  #unreadable = 0;
  /** The file to publish once the versions' table exists (migrations pending at start). */
  #pendingFile: EconomyFile | undefined;

  private constructor(deps: EconomyRuntimeDeps, current: PublishedEconomy, pendingFile?: EconomyFile) {
    this.#deps = deps;
    this.#current = current;
    this.#pendingFile = pendingFile;
    this.#remember(current);
  }

  /**
   * Publishes the file's economy when it differs from the last version published from the file,
   * then takes the newest version. A newest version this server cannot validate (a game's
   * parameters changed shape) stops the start, naming its problems. A database whose migrations
   * are not applied yet (services mode: the server is live, not ready) has no versions table: the
   * file is in force as version 0, stored by the first poll that finds the table.
   */
  static async start(deps: EconomyRuntimeDeps, file: EconomyFile): Promise<EconomyRuntime> {
    try {
      return new EconomyRuntime(deps, await publishFileAndRead(deps, file));
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      deps.logger.warn({ file: file.name }, 'economy versions cannot be stored before the migrations are applied: the economy file is in force, as version 0, until then');
      return new EconomyRuntime(deps, { version: 0, economy: file.economy, publishedAt: new Date().toISOString(), publishedBy: `${FILE_PUBLISHER}${file.name}` }, file);
    }
  }

  current(): PublishedEconomy {
    return this.#current;
  }

  /** Tells the other processes of each version this one publishes, hears theirs, and polls (`pollMs`) for any it missed. */
  listen(announcer: Announcer, pollMs: number | undefined): void {
    this.#announcer = announcer;
    this.#unlisten = announcer.listen((version) => {
      if (version > this.#current.version) void this.refresh();
    });
    if (pollMs !== undefined) this.#poll = setInterval(() => void this.refresh(), pollMs).unref();
    // A version another process published while this one started is read now, not at the first poll.
    void this.refresh();
  }

  stop(): void {
    this.#unlisten();
    clearInterval(this.#poll);
  }

  /** The document as it would be stored, or InvalidEconomy naming every problem. */
  validate(document: unknown): Economy {
    const validation = validateEconomy(document);
    if (!validation.ok) throw new InvalidEconomy(validation.problems);
    return validation.economy;
  }

  /**
   * Stores `economy` as the next version inside `trx` (the admin writer's fenced transaction, or
   * publish()'s own), with the admin's audit line when given. Publishers take turns (the versions'
   * lock, held to the end of `trx`), and the primary key has the last word: a version taken all
   * the same (a row written by hand, without the lock) refuses the publish UNAVAILABLE, retryable,
   * with nothing stored.
   */
  async record(trx: Queryable, economy: Economy, publishedBy: string, audit?: { action: string; commandId: string; payload: unknown }): Promise<PublishedEconomy> {
    const { sql } = this.#deps;
    await lockVersions(sql, trx);
    let published: PublishedEconomy;
    try {
      published = await insertVersion(sql, trx, economy, publishedBy);
    } catch (error) {
      if (isVersionTaken(sql, error)) throw new DomainError('UNAVAILABLE', 'another publish stored the next economy version at the same moment; nothing was stored: send the command again with the same id', true);
      throw error;
    }
    if (audit) await insertPublishAudit(sql, trx, { admin: publishedBy, ...audit, result: { ack: { version: published.version } } });
    return published;
  }

  /** After the commit: in force here at once, and the other processes told. */
  adopt(published: PublishedEconomy): void {
    this.#switchTo(published);
    void this.#announcer?.announce(published.version).catch((error: unknown) => {
      // The others find it at their next poll.
      this.#deps.logger.warn({ err: error, version: published.version }, 'could not announce a published economy version');
    });
  }

  /** Validates, stores as the next version and adopts it, in a transaction of its own. */
  async publish(document: unknown, publishedBy: string, audit?: { action: string; commandId: string; payload: unknown }): Promise<PublishedEconomy> {
    const economy = this.validate(document);
    const published = await this.#deps.sql.transaction((trx) => this.record(trx, economy, publishedBy, audit), { commits: true });
    this.adopt(published);
    return published;
  }

  /** A published version (kept in memory once read), or undefined when there is none. */
  async version(version: number): Promise<PublishedEconomy | undefined> {
    if (version === this.#current.version) return this.#current;
    const cached = this.#cache.get(version);
    if (cached) return cached;
    const found = await versionByNumber(this.#deps.sql, version);
    if (found) this.#remember(found);
    return found;
  }

  /** Every version, newest first, without documents. */
  versions(): Promise<VersionListing[]> {
    return listVersions(this.#deps.orm);
  }

  /** Takes the newest stored version when it is newer than the one in force (one read at a time). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    try {
      if (this.#pendingFile) {
        // Throws while the table is still missing (or, as at start, when the newest stored version
        // is not valid for this server): tried again at the next poll.
        const stored = await publishFileAndRead(this.#deps, this.#pendingFile);
        this.#pendingFile = undefined;
        return this.#switchTo(stored);
      }
      const newest = await latestVersionNumber(this.#deps.sql);
      if (newest <= this.#current.version) return;
      const stored = await versionByNumber(this.#deps.sql, newest);
      if (!stored) return;
      const validation = validateEconomy(stored.economy);
      if (!validation.ok) {
        if (this.#unreadable !== newest) this.#deps.logger.error({ version: newest, problems: validation.problems }, 'a published economy version is not valid for this server: the previous one stays in force here');
        this.#unreadable = newest;
        return;
      }
      this.#switchTo({ ...stored, economy: validation.economy });
    } catch (error) {
      // Storage is away: the version in force stays until the next poll reads again.
      this.#deps.logger.debug({ err: error }, 'economy version check failed');
    }
  }

  #switchTo(published: PublishedEconomy): void {
    // Versions only grow (a rollback is a new version): a late message never goes back.
    if (published.version <= this.#current.version) return;
    this.#current = published;
    this.#remember(published);
    this.#deps.logger.info({ version: published.version, publishedBy: published.publishedBy }, 'economy version in force');
  }

  #remember(published: PublishedEconomy): void {
    this.#cache.set(published.version, published);
    if (this.#cache.size > CACHED_VERSIONS) this.#cache.delete(this.#cache.keys().next().value!);
  }
}

/** The start's work: the file published when it changed, then the newest version, validated. */
async function publishFileAndRead(deps: EconomyRuntimeDeps, file: EconomyFile): Promise<PublishedEconomy> {
  const publisher = `${FILE_PUBLISHER}${file.name}`;
  const published = await withNextVersion(deps.sql, async () =>
    deps.sql.transaction(async (trx) => {
      // Processes starting at once with the same edited file: the second reads the first's publish.
      await lockVersions(deps.sql, trx);
      const last = await lastFromFile(deps.sql, trx);
      if (last && sameDocument(last.economy, file.economy)) return undefined;
      return insertVersion(deps.sql, trx, file.economy, publisher);
    }),
  );
  if (published) deps.logger.info({ version: published.version, file: file.name }, 'published the economy file as a new version (it differs from the last one published from the file)');
  const latest = await latestVersion(deps.sql);
  if (!latest) throw new Error('no economy version is stored after publishing the file');
  const validation = validateEconomy(latest.economy);
  if (!validation.ok) {
    throw new Error(
      `economy version ${latest.version}, the one in force, is not valid for this server:\n${describeProblems(validation.problems)}\n` +
        `publish a valid economy: edit ECONOMY_FILE (it is published at start when it changed) and start again`,
    );
  }
  deps.logger.info({ version: latest.version, publishedBy: latest.publishedBy }, 'economy version in force');
  return { ...latest, economy: validation.economy };
}

/** The versions' table does not exist: the migrations are not applied yet. */
function isMissingTable(error: unknown): boolean {
  return (error as { code?: unknown })?.code === '42P01';
}

/** Runs `publish` again when another process stored the same version number first (it is read again). */
async function withNextVersion<T>(sql: Sql, publish: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await publish();
    } catch (error) {
      if (!isVersionTaken(sql, error) || attempt >= PUBLISH_TRIES) throw error;
    }
  }
}

/** The same economy whatever the order of keys: compared by structure, not by text (an author who
 *  only reorders keys, or a version stored before, publishes nothing new at start). */
export function sameDocument(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
