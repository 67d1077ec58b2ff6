// The SQL of one commit batch: ONE statement, so a batch costs one round trip and commits on its
// own (PostgreSQL runs a single statement as its own transaction: all of it or none of it).
//
// Fencing (INV-1, docs/ARCHITECTURE.md) is part of the statement: the first CTE applies each writer's net
// delta only where the account still carries the writer's epoch, and every other row of the batch
// is written only for writers that CTE returned. A writer that lost its fence therefore writes
// nothing, while its neighbours in the batch commit. System accounts (hot rows shared by every
// room) change once per batch by their summed delta (INV-3). Outbox rows are written here too, with the change (INV-6). Limited shop stock goes down by the
// summed claims of the fenced writers (an offer's first sale opens its counter at the offer's
// stock); the CHECK `shop_items_stock_nonnegative` fails the whole statement when a batch would
// oversell (the pipeline then finds the buyer one by one).
import type { MetadataStorage } from '@mikro-orm/postgresql';
import { Account } from '../../schema/entities/account.ts';
import { CommandResult } from '../../schema/entities/commandResult.ts';
import { Effect } from '../../schema/entities/effect.ts';
import { OutboxEvent } from '../../schema/entities/outboxEvent.ts';
import { Player } from '../../schema/entities/player.ts';
import { ShopItem } from '../../schema/entities/shopItem.ts';
import { Transfer } from '../../schema/entities/transfer.ts';
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
 */
export function batchStatement(metadata: MetadataStorage): Statement {
  const a = namesOf(metadata, Account);
  const t = namesOf(metadata, Transfer);
  const p = namesOf(metadata, Player);
  const o = namesOf(metadata, OutboxEvent);
  const c = namesOf(metadata, CommandResult);
  const s = namesOf(metadata, ShopItem);
  const f = namesOf(metadata, Effect);
  const text = `
WITH writer AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, epoch bigint, delta bigint)
), fenced AS (
  UPDATE ${a.table} AS a SET ${a.col('balance')} = a.${a.col('balance')} + w.delta
    FROM writer AS w
   WHERE a.${a.col('id')} = w.id AND a.${a.col('epoch')} = w.epoch AND a.${a.col('kind')} = 'player'
  RETURNING a.${a.col('id')} AS id
), moves AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb)
    AS t(writer text, from_account text, to_account text, amount bigint, reason text, ref text, command_id text)
   WHERE t.writer IN (SELECT id FROM fenced)
), transfers_written AS (
  INSERT INTO ${t.table} (${t.col('fromAccount')}, ${t.col('toAccount')}, ${t.col('amount')}, ${t.col('reason')}, ${t.col('ref')}, ${t.col('commandId')})
  SELECT from_account, to_account, amount, reason, ref, command_id FROM moves
), system_delta AS (
  SELECT account, sum(delta) AS delta FROM (
    SELECT from_account AS account, -amount AS delta FROM moves WHERE from_account <> writer
    UNION ALL
    SELECT to_account, amount FROM moves WHERE to_account <> writer
  ) AS legs GROUP BY account
), systems_written AS (
  UPDATE ${a.table} AS a SET ${a.col('balance')} = a.${a.col('balance')} + s.delta
    FROM system_delta AS s
   WHERE a.${a.col('id')} = s.account AND a.${a.col('kind')} = 'system' AND s.delta <> 0
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
  INSERT INTO ${s.table} AS s (${s.cols(['itemId', 'stock'])})
  SELECT c.item_id, CASE WHEN EXISTS (SELECT 1 FROM ${s.table} AS e WHERE e.${s.col('itemId')} = c.item_id) THEN 0 ELSE c.opening - c.qty END
    FROM claims AS c
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
 * Checks what SQL cannot see cheaply: a mutation moves gold only between its own writer account
 * and system accounts, in positive whole amounts, under one epoch per writer per batch.
 */
export function checkMutation(m: Mutation): void {
  for (const t of m.transfers) {
    if (!Number.isSafeInteger(t.amount) || t.amount <= 0) throw new InvalidMutation(`transfer amount ${t.amount} is not a positive whole number`);
    const other = t.from === m.writer.account ? t.to : t.to === m.writer.account ? t.from : null;
    if (other === null || !SYSTEM_ACCOUNTS.has(other)) {
      throw new InvalidMutation(`a mutation of ${m.writer.account} may move gold only between it and a system account (${t.from} -> ${t.to})`);
    }
  }
}

/** Writes the batch in one statement; returns the writer accounts that had lost their fence. */
export async function writeBatch(sql: Sql, statement: Statement, batch: readonly Mutation[]): Promise<string[]> {
  const writers = new Map<string, { epoch: number; delta: number }>();
  const players = new Map<string, NonNullable<Mutation['player']>>();
  for (const m of batch) {
    const w = writers.get(m.writer.account) ?? { epoch: m.writer.epoch, delta: 0 };
    if (w.epoch !== m.writer.epoch) throw new InvalidMutation(`two epochs of ${m.writer.account} in one batch`);
    for (const t of m.transfers) w.delta += t.to === m.writer.account ? t.amount : -t.amount;
    writers.set(m.writer.account, w);
    if (m.player) players.set(m.player.userId, m.player);
  }
  const ids = [...writers.keys()];
  const held = await sql.query<{ id: string }>(
    statement,
    [
    JSON.stringify(ids.map((id) => ({ id, ...writers.get(id) }))),
    JSON.stringify(batch.flatMap((m) => m.transfers.map((t) => ({ writer: m.writer.account, from_account: t.from, to_account: t.to, amount: t.amount, reason: t.reason, ref: t.ref, command_id: t.commandId })))),
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
