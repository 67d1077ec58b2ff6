// The bank test's client (tests/support/bank.ts): a simulated player or admin that answers to the
// protocol's rules, as a real client does: the same id until a final answer, a rejoin on a lost
// connection, a growing pause after a retryable refusal; and what it saw of each stream, for the
// gap checks at the end.
import { setTimeout as delay } from 'node:timers/promises';
import { CommandType } from '../../shared/commands.ts';
import { RoomName, type WireEvent } from '../../shared/protocol.ts';
import { AdminState, BoardState, CrashState } from '../../shared/state.ts';
import { CRASH_TABLE } from './bankCrash.ts';
import { joinPlayerRoom, joinRoom, newId, refusalOf, type PlayerConnection, type Reply, type Session } from './client.ts';
import { queryRows } from './ledger.ts';
import type { RunningServer } from './server.ts';

export type Kind = 'player' | 'board' | 'crash' | 'admin';
export type Acked = { id: string; type: string; userId: string; result: unknown };

function joinKind(url: string, token: string, kind: Kind): Promise<PlayerConnection<any>> {
  if (kind === 'player') return joinPlayerRoom(url, token);
  if (kind === 'crash') return joinRoom(url, token, RoomName.crash, CrashState, { table: CRASH_TABLE });
  return joinRoom<any>(url, token, kind === 'board' ? RoomName.board : RoomName.admin, kind === 'board' ? BoardState : AdminState);
}

/** A client that answers to the protocol's rules: same id until a final answer, rejoin on loss. */
export class Sim {
  readonly session: Session;
  readonly #servers: () => RunningServer[];
  readonly tabs = new Map<Kind, PlayerConnection<any>>();
  readonly #left = new Map<Kind, Promise<'left'>>();
  readonly #closed = new Set<PlayerConnection<any>>();
  readonly connections: PlayerConnection<any>[] = [];
  readonly acked: Acked[] = [];
  readonly refusals = new Map<string, number>();
  /** The crash stream's seq in the state of the first crash join: what it may not have seen live. */
  crashFrom: number | undefined;
  rejoins = 0;

  constructor(session: Session, servers: () => RunningServer[]) {
    this.session = session;
    this.#servers = servers;
  }

  async connect(kind: Kind): Promise<PlayerConnection<any>> {
    for (let attempt = 0; ; attempt++) {
      const servers = this.#servers();
      const server = servers[(attempt + Math.floor(Math.random() * servers.length)) % servers.length];
      try {
        const joining = joinKind(server.url, this.session.token, kind);
        // A join that has no answer in 10 s (its process froze, died or lost Redis) is given up.
        const tab = await Promise.race([joining, delay(10_000, undefined)]);
        if (!tab) {
          void joining.then((late) => late.leave(), () => undefined);
          throw new Error('join timed out');
        }
        this.tabs.set(kind, tab);
        this.connections.push(tab);
        if (kind === 'crash') this.crashFrom ??= (tab.state as CrashState).seq;
        this.#left.set(kind, new Promise((resolve) => tab.room.onLeave(() => (this.#closed.add(tab), resolve('left')))));
        return tab;
      } catch (error) {
        if (attempt >= 120) throw new Error(`${this.session.userId} could not join ${kind}: ${String(error)}`);
        // Said, so that a run that stalls shows where.
        if (attempt % 5 === 4) console.log(`[bank] ${this.session.userId} could not join ${kind} (${attempt + 1} attempts): ${String(error)}`);
        await delay(Math.min(1000, 50 * 2 ** attempt)); // the client's reconnect backoff
      }
    }
  }

  async command(kind: Kind, type: string, fields: Record<string, unknown> = {}): Promise<Reply> {
    const id = newId();
    for (let attempt = 1; ; attempt++) {
      if (attempt % 20 === 0) console.log(`[bank] ${this.session.userId} ${type} ${id}: still no final answer after ${attempt} sends`);
      const tab = this.tabs.get(kind) ?? (await this.connect(kind));
      // No answer within 10 s counts as lost: the same id goes out again.
      const reply = await Promise.race([tab.send(type, fields, id), this.#left.get(kind)!, delay(10_000, 'timeout' as const)]);
      if (attempt % 20 === 19) console.log(`[bank] last reply: ${JSON.stringify(reply)}`);
      if (reply === 'left' || reply === 'timeout' || ('nack' in reply && reply.nack.retryable)) {
        if (reply === 'timeout') {
          console.log(`[bank] ${this.session.userId} ${type} ${id}: no answer in 10 s (send ${attempt}); joining again`);
          // Given up on: its socket may be gone already, and a failed leave changes nothing here.
          void tab.leave().catch(() => undefined);
        }
        this.tabs.delete(kind);
        this.rejoins++;
        // A refusal that says "again" (a room reloading, storage away) is retried after a growing
        // pause, as the client does, not in a tight loop.
        if (typeof reply === 'object') await delay(Math.min(500, 20 * attempt));
        continue;
      }
      if ('ack' in reply) this.acked.push({ id, type, userId: this.session.userId, result: reply.ack.result });
      else {
        const key = `${type} ${refusalOf(reply)}`;
        this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
      }
      return reply;
    }
  }

  /** The open connection to `kind`, joined again if it was closed. */
  async live(kind: Kind): Promise<PlayerConnection<any>> {
    const tab = this.tabs.get(kind);
    return tab && !this.#closed.has(tab) ? tab : this.connect(kind);
  }

  /** A new connection to `kind`; the old one is left (it may be stuck in the SDK's reconnection
   *  attempts to a killed process, which end only after a while). */
  async rejoin(kind: Kind): Promise<PlayerConnection<any>> {
    void this.tabs.get(kind)?.leave().catch(() => undefined);
    this.tabs.delete(kind);
    return this.connect(kind);
  }

  /** Resolves when the connection to `kind` closes. */
  left(kind: Kind): Promise<'left'> {
    return this.#left.get(kind)!;
  }

  /** Whether this client joined a room of `kind` at some point. */
  joined(kind: Kind): boolean {
    return this.#left.has(kind);
  }

  /** A stream as received live over every connection, by seq. */
  seen(stream: string): Map<number, WireEvent> {
    const seen = new Map<number, WireEvent>();
    for (const tab of this.connections) for (const event of tab.events) if (event.stream === stream) seen.set(event.seq, event);
    return seen;
  }

  /**
   * What this client has of `stream` after `from`: what it saw live up to its first gap, and one
   * events.sync from there (paged, through the `kind` room), against the head of the outbox.
   */
  async streamView(kind: Kind, stream: string, from: number, databaseUrl: string): Promise<{ head: number; contiguous: number; seen: number; synced: number; missing: number[] }> {
    const head = Number((await queryRows<{ seq: string }>(databaseUrl, 'SELECT coalesce(max(seq), 0) AS seq FROM outbox WHERE stream = $1', [stream]))[0].seq);
    const seen = this.seen(stream);
    let contiguous = from;
    while (seen.has(contiguous + 1)) contiguous++;
    const synced: WireEvent[] = [];
    // A stream that moves on while it is read (the crash table's rounds) is read up to `head`.
    for (let after = contiguous; after < head; ) {
      const reply = await this.command(kind, CommandType.eventsSync, { afterSeq: after });
      const page = 'ack' in reply ? ((reply.ack.result as { events?: WireEvent[] }).events ?? []) : [];
      synced.push(...page);
      if (page.length === 0) break;
      after = page[page.length - 1].seq;
    }
    const have = new Set([...[...seen.keys()].filter((seq) => seq <= contiguous), ...synced.map((e) => e.seq)]);
    const missing = Array.from({ length: head - from }, (_, i) => from + i + 1).filter((seq) => !have.has(seq));
    return { head, contiguous, seen: seen.size, synced: synced.length, missing };
  }
}
