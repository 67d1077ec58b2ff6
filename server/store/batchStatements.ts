// The SQL of one commit batch: ONE statement, so a batch costs one round trip and commits on its
// own (PostgreSQL runs a single statement as its own transaction: all of it or none of it).
//
// Fencing (INV-1, docs/ARCHITECTURE.md) is part of the statement: the first CTE updates each
// writer's account row (to the epoch it has: the update is the row lock) only where it still
// carries the writer's epoch (a room taking the fence waits for the lock, then finds everything
// this batch wrote), and every other row of the batch is written only for writers that CTE
// returned. A writer that lost its fence therefore writes nothing, while its
// neighbours in the batch commit. Balances are per (account, currency) (INV-5): each fenced
// writer's net delta per currency, and each system account's (hot rows shared by every room)
// summed delta per currency, once per batch (INV-3). Outbox rows are written here too, with the
// change (INV-6). Limited shop stock goes down by the summed claims of the fenced writers (an
// offer's first sale opens its counter at the offer's stock); the CHECK
// `shop_items_stock_nonnegative` fails the whole statement when a batch would oversell (the
// pipeline then finds the buyer one by one), as `balances_player_nonnegative` does for a player
// who would go below zero in a currency.
import type { MetadataStorage } from '@mikro-orm/postgresql';
import { Account } from '../../schema/entities/account.ts';
import { Balance } from '../../schema/entities/balance.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { Effect } from '../../schema/entities/effect.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { Player } from '../../schema/entities/player.ts';
import { ShopItem } from '../../schema/entities/shopItem.ts';
import { Transfer } from '../../schema/entities/transfer.ts';
import { CURRENCY_ID } from '../../shared/economy.ts';
import { SystemAccount } from '../domain/ledger.ts';
import { namesOf } from './entityNames.ts';
import type { Mutation } from './mutation.ts';
import { prepared, type Sql, type Statement } from './sql.ts';

const SYSTEM_ACCOUNTS: ReadonlySet<string> = new Set(Object.values(SystemAccount));

export class InvalidMutation extends Error {}

/**
 * Rows travel as one JSON document per table: PostgreSQL parses JSON in C, far cheaper for the
 * single-threaded server than encoding every value as an element of a PostgreSQL array literal.
 * The recordset column names (`w(id, epoch, delta)`, ...) are this statement's own wire format,
 * written by writeBatch below; every table and column of the schema comes from the entities.
 *
 * A writer's balances are updated where the row exists and inserted where it does not (its first
 * balance in a currency), not upserted: INSERT checks the row it proposes before it looks for a
 * conflict, so a debit proposed as a new row would fail `balances_player_nonnegative` even where
 * the stored balance covers it. Both CTEs see the rows as they were when the statement began, so
 * each (writer, currency) lands in exactly one of them; the rows are the fenced writer's own, so no
 * other statement races for them. System rows are upserted (shared by every batch; a system row may be negative, so the row
 * proposed passes the CHECK), in a fixed order so that concurrent batches lock them alike.
 */
export function batchStatement(metadata: MetadataStorage): Statement {
  const a = namesOf(metadata, Account);
  const b = namesOf(metadata, Balance);
  const t = namesOf(metadata, Transfer);
  const p = namesOf(metadata, Player);
  const o = namesOf(metadata, OutboxEvent);
  const c = namesOf(metadata, CommandResult);
  const s = namesOf(metadata, ShopItem);
  const f = namesOf(metadata, Effect);
  const text = `
WITH fenced AS (
  UPDATE ${a.table} AS a SET ${a.col('epoch')} = a.${a.col('epoch')}
    FROM jsonb_to_recordset($1::jsonb) AS w(id text, epoch bigint)
   WHERE a.${a.col('id')} = w.id AND a.${a.col('epoch')} = w.epoch AND a.${a.col('kind')} = 'player'
  RETURNING a.${a.col('id')} AS id
), moves AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb)
    AS t(writer text, from_account text, to_account text, amount bigint, currency text, reason text, ref text, command_id text, economy_version int)
   WHERE t.writer IN (SELECT id FROM fenced)
), transfers_written AS (
  INSERT INTO ${t.table} (${t.cols(['fromAccount', 'toAccount', 'amount', 'currency', 'reason', 'ref', 'commandId', 'economyVersion'])})
  SELECT from_account, to_account, amount, currency, reason, ref, command_id, economy_version FROM moves
), writer_delta AS (
  SELECT writer AS account, currency, sum(CASE WHEN to_account = writer THEN amount ELSE -amount END) AS delta
    FROM moves GROUP BY writer, currency
), writers_updated AS (
  UPDATE ${b.table} AS b SET ${b.col('balance')} = b.${b.col('balance')} + d.delta
    FROM writer_delta AS d
   WHERE b.${b.col('account')} = d.account AND b.${b.col('currency')} = d.currency AND d.delta <> 0
), writers_inserted AS (
  INSERT INTO ${b.table} (${b.cols(['account', 'currency', 'kind', 'balance'])})
  SELECT d.account, d.currency, 'player', d.delta FROM writer_delta AS d
   WHERE d.delta <> 0 AND NOT EXISTS (SELECT 1 FROM ${b.table} AS b WHERE b.${b.col('account')} = d.account AND b.${b.col('currency')} = d.currency)
), systems_written AS (
  INSERT INTO ${b.table} AS b (${b.cols(['account', 'currency', 'kind', 'balance'])})
  SELECT legs.account, legs.currency, 'system', sum(legs.delta)
    FROM (SELECT from_account AS account, currency, -amount AS delta FROM moves WHERE from_account <> writer
          UNION ALL
          SELECT to_account, currency, amount FROM moves WHERE to_account <> writer) AS legs
    JOIN ${a.table} AS a ON a.${a.col('id')} = legs.account AND a.${a.col('kind')} = 'system'
   GROUP BY legs.account, legs.currency HAVING sum(legs.delta) <> 0
   ORDER BY legs.account, legs.currency
  ON CONFLICT (${b.cols(['account', 'currency'])}) DO UPDATE SET ${b.col('balance')} = b.${b.col('balance')} + excluded.${b.col('balance')}
), players_written AS (
  UPDATE ${p.table} AS p
     SET ${p.col('xp')} = r.xp, ${p.col('level')} = r.level, ${p.col('stats')} = r.stats, ${p.col('inventory')} = r.inventory,
         ${p.col('streakDay')} = r.streak_day, ${p.col('lastClaimDay')} = r.last_claim_day,
         ${p.col('serverSeed')} = r.server_seed, ${p.col('clientSeed')} = r.client_seed, ${p.col('nonce')} = r.nonce, ${p.col('purchases')} = r.purchases
    FROM jsonb_to_recordset($3::jsonb)
      AS r(user_id text, xp bigint, level int, stats jsonb, inventory jsonb, streak_day int, last_claim_day int, server_seed text, client_seed text, nonce bigint, purchases jsonb)
   WHERE p.${p.col('userId')} = r.user_id AND r.user_id IN (SELECT id FROM fenced)
), outbox_written AS (
  INSERT INTO ${o.table} (${o.col('stream')}, ${o.col('seq')}, ${o.col('type')}, ${o.col('payload')}, ${o.col('createdAt')})
  SELECT stream, seq, type, payload, created_at
    FROM jsonb_to_recordset($4::jsonb)
      AS e(writer text, stream text, seq bigint, type text, payload jsonb, created_at timestamptz)
   WHERE e.writer IN (SELECT id FROM fenced)
), replies_written AS (
  INSERT INTO ${c.table} (${c.col('actor')}, ${c.col('commandId')}, ${c.col('payloadHash')}, ${c.col('reply')})
  SELECT actor, command_id, payload_hash, reply
    FROM jsonb_to_recordset($5::jsonb)
      AS c(writer text, actor text, command_id text, payload_hash text, reply jsonb)
   WHERE c.writer IN (SELECT id FROM fenced)
), claims AS (
  SELECT item_id, sum(qty) AS qty, max(opening) AS opening
    FROM jsonb_to_recordset($6::jsonb) AS c(writer text, item_id text, qty int, opening int)
   WHERE c.writer IN (SELECT id FROM fenced)
   GROUP BY item_id
), stock_written AS (
  -- One upsert, so a counter another process opens concurrently is waited for and counted down,
  -- never skipped. The row proposed for a counter that exists is never written, but PostgreSQL
  -- checks it first: it holds 0 then, and the opening stock less the claims only for a new one.
  -- In a fixed order, so that concurrent batches lock the counters alike.
  INSERT INTO ${s.table} AS s (${s.cols(['itemId', 'stock'])})
  SELECT c.item_id, CASE WHEN EXISTS (SELECT 1 FROM ${s.table} AS e WHERE e.${s.col('itemId')} = c.item_id) THEN 0 ELSE c.opening - c.qty END
    FROM claims AS c
   ORDER BY c.item_id
  ON CONFLICT (${s.col('itemId')}) DO UPDATE
     SET ${s.col('stock')} = s.${s.col('stock')} - (SELECT qty FROM claims WHERE claims.item_id = excluded.${s.col('itemId')}), ${s.col('updatedAt')} = now()
), effects_written AS (
  UPDATE ${f.table} AS f SET ${f.col('appliedAt')} = now()
    FROM jsonb_to_recordset($7::jsonb) AS k(writer text, key text)
   WHERE f.${f.col('key')} = k.key AND f.${f.col('userId')} = k.writer AND k.writer IN (SELECT id FROM fenced)
)
SELECT id FROM fenced`;
  return prepared(text, { commits: true });
}

/**
 * Checks what SQL cannot see cheaply: a mutation moves money only between its own writer account
 * and system accounts, in positive whole amounts of a named currency, under one epoch per writer
 * per batch.
 */
export function checkMutation(m: Mutation): void {
  for (const t of m.transfers) {
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0) throw new InvalidMutation(`transfer amount ${t.amount} is not a positive whole number`);
    if (!CURRENCY_ID.test(t.currency)) throw new InvalidMutation(`transfer currency ${JSON.stringify(t.currency)} is not a currency id`);
    const other = t.from === m.writer.account ? t.to : t.to === m.writer.account ? t.from : null;
    if (other === null || !SYSTEM_ACCOUNTS.has(other)) {
      throw new InvalidMutation(`a mutation of ${m.writer.account} may move money only between it and a system account (${t.from} -> ${t.to})`);
    }
  }
}

/** Writes the batch in one statement; returns the writer accounts that had lost their fence. */
export async function writeBatch(sql: Sql, statement: Statement, batch: readonly Mutation[]): Promise<string[]> {
  const writers = new Map<string, { epoch: number }>();
  const players = new Map<string, NonNullable<Mutation['player']>>();
  for (const m of batch) {
    const w = writers.get(m.writer.account) ?? { epoch: m.writer.epoch };
    if (w.epoch !== m.writer.epoch) throw new InvalidMutation(`two epochs of ${m.writer.account} in one batch`);
    writers.set(m.writer.account, w);
    if (m.player) players.set(m.player.userId, m.player);
  }
  const ids = [...writers.keys()];
  const held = await sql.query<{ id: string }>(
    statement,
    [
    JSON.stringify(ids.map((id) => ({ id, ...writers.get(id) }))),
    JSON.stringify(batch.flatMap((m) => m.transfers.map((t) => ({ writer: m.writer.account, from_account: t.from, to_account: t.to, amount: t.amount, currency: t.currency, reason: t.reason, ref: t.ref, command_id: t.commandId, economy_version: m.economyVersion })))),
    JSON.stringify([...players.values()].map((r) => ({ user_id: r.userId, xp: r.xp, level: r.level, stats: r.stats, inventory: r.inventory, streak_day: r.streakDay, last_claim_day: r.lastClaimDay, server_seed: r.serverSeed, client_seed: r.clientSeed, nonce: r.nonce, purchases: r.purchases }))),
    JSON.stringify(batch.flatMap((m) => m.outbox.map((e) => ({ writer: m.writer.account, stream: e.stream, seq: e.seq, type: e.type, payload: e.data, created_at: e.at })))),
    JSON.stringify(batch.flatMap((m) => (m.command ? [{ writer: m.writer.account, actor: m.command.actor, command_id: m.command.commandId, payload_hash: m.command.payloadHash, reply: m.command.reply }] : []))),
    JSON.stringify(batch.flatMap((m) => (m.stock ?? []).map((s) => ({ writer: m.writer.account, item_id: s.itemId, qty: s.qty, opening: s.opening })))),
    JSON.stringify(batch.flatMap((m) => (m.effectsApplied ?? []).map((key) => ({ writer: m.writer.account, key })))),
    ],
  );
  const kept = new Set(held.map((r) => r.id));
  return ids.filter((id) => !kept.has(id));
}
