// The set-based SQL of one commit batch. Each statement moves a whole batch at once; system
// accounts (hot rows shared by every room) are changed once per batch by their summed delta.
import { netDelta } from '../domain/ledger.ts';
import type { Mutation } from './mutation.ts';
import type { Queryable, Sql } from './sql.ts';

/** Thrown inside the batch transaction when some writers no longer hold their epoch. */
export class FenceLost extends Error {
  readonly accounts: string[];
  constructor(accounts: string[]) {
    super(`fence lost for ${accounts.join(', ')}`);
    this.accounts = accounts;
  }
}

export async function writeBatch(sql: Sql, trx: Queryable, batch: readonly Mutation[]): Promise<void> {
  // 1. Writers: apply each player's net delta under its epoch (DESIGN.md rule 1). A missing row
  //    in RETURNING means another room bumped the epoch: this writer may not commit anything.
  const writerDelta = new Map<string, { epoch: number; delta: number }>();
  const systemDelta = new Map<string, number>();
  for (const m of batch) {
    const entry = writerDelta.get(m.writer.account) ?? { epoch: m.writer.epoch, delta: 0 };
    entry.delta += netDelta(m.writer.account, m.transfers);
    writerDelta.set(m.writer.account, entry);
    for (const t of m.transfers) {
      for (const [account, sign] of [[t.from, -1], [t.to, 1]] as const) {
        if (account === m.writer.account) continue;
        systemDelta.set(account, (systemDelta.get(account) ?? 0) + sign * t.amount);
      }
    }
  }
  const writers = [...writerDelta.keys()].sort();
  const fenced = await sql.query<{ id: string }>(
    `UPDATE accounts AS a SET balance = a.balance + m.delta
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS m(id, epoch, delta)
      WHERE a.id = m.id AND a.epoch = m.epoch AND a.kind = 'player'
      RETURNING a.id`,
    [writers, writers.map((w) => writerDelta.get(w)!.epoch), writers.map((w) => writerDelta.get(w)!.delta)],
    trx,
  );
  if (fenced.length !== writers.length) {
    const held = new Set(fenced.map((r) => r.id));
    throw new FenceLost(writers.filter((w) => !held.has(w)));
  }

  // 2. Player rows: the last snapshot of each player in the batch wins.
  const players = new Map<string, NonNullable<Mutation['player']>>();
  for (const m of batch) if (m.player) players.set(m.player.userId, m.player);
  if (players.size > 0) {
    const rows = [...players.values()];
    await sql.query(
      `UPDATE players AS p SET xp = r.xp, level = r.level, stats = r.stats, streak_day = r.streak_day, last_claim_day = r.last_claim_day
         FROM unnest($1::text[], $2::bigint[], $3::int[], $4::jsonb[], $5::int[], $6::int[])
           AS r(user_id, xp, level, stats, streak_day, last_claim_day)
        WHERE p.user_id = r.user_id`,
      [
        rows.map((r) => r.userId),
        rows.map((r) => r.xp),
        rows.map((r) => r.level),
        rows.map((r) => JSON.stringify(r.stats)),
        rows.map((r) => r.streakDay),
        rows.map((r) => r.lastClaimDay),
      ],
      trx,
    );
  }

  // 3. Transfers, outbox events and idempotency records: plain inserts, one statement each.
  const transfers = batch.flatMap((m) => m.transfers);
  if (transfers.length > 0) {
    await sql.query(
      `INSERT INTO transfers (from_account, to_account, amount, reason, ref, command_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])`,
      [
        transfers.map((t) => t.from),
        transfers.map((t) => t.to),
        transfers.map((t) => t.amount),
        transfers.map((t) => t.reason),
        transfers.map((t) => t.ref),
        transfers.map((t) => t.commandId),
      ],
      trx,
    );
  }
  const outbox = batch.flatMap((m) => m.outbox);
  if (outbox.length > 0) {
    await sql.query(
      `INSERT INTO outbox (stream, seq, type, payload, created_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::timestamptz[])`,
      [
        outbox.map((e) => e.stream),
        outbox.map((e) => e.seq),
        outbox.map((e) => e.type),
        outbox.map((e) => JSON.stringify(e.data)),
        outbox.map((e) => e.at.toISOString()),
      ],
      trx,
    );
  }
  const commands = batch.flatMap((m) => (m.command ? [m.command] : []));
  if (commands.length > 0) {
    await sql.query(
      `INSERT INTO command_results (actor, command_id, payload_hash, reply)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
      [
        commands.map((c) => c.actor),
        commands.map((c) => c.commandId),
        commands.map((c) => c.payloadHash),
        commands.map((c) => JSON.stringify(c.reply)),
      ],
      trx,
    );
  }

  // 4. System accounts last, so the hot rows stay locked for the shortest time; locked in id
  //    order so two processes' batches cannot deadlock on them.
  const systems = [...systemDelta.entries()].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (systems.length > 0) {
    await sql.query(`SELECT id FROM accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [systems.map(([id]) => id)], trx);
    const updated = await sql.query<{ id: string }>(
      `UPDATE accounts AS a SET balance = a.balance + m.delta
         FROM unnest($1::text[], $2::bigint[]) AS m(id, delta)
        WHERE a.id = m.id AND a.kind = 'system'
        RETURNING a.id`,
      [systems.map(([id]) => id), systems.map(([, d]) => d)],
      trx,
    );
    if (updated.length !== systems.length) {
      throw new Error(`transfer touches an account that is neither its writer nor a system account: ${systems.map(([id]) => id).join(', ')}`);
    }
  }
}
