// The registry's event payloads and ack results (shared/registry.ts) as zod schemas, for checking
// at run time what the server actually sends (tests/support/client.ts checks every ack and event a
// test receives). Each schema is checked at compile time to infer exactly the registry's type, so the
// two cannot drift apart; objects are strict, so a field the registry does not declare is a mismatch.
// Not imported by the browser bundle (zod).
import { z } from 'zod';
import { gameResultSchemas } from '../server/games/commands.ts';
import type { Economy } from './economy.ts';
import type { CommandResults, EventPayloads } from './registry.ts';

const whole = z.number().int();
const text = z.string();
const task = z.strictObject({
  id: text,
  title: text,
  bountyGold: whole,
  bountyXp: whole,
  status: z.enum(['open', 'accepted', 'completed', 'cancelled']),
  assignee: text.nullable(),
  createdAt: text,
  acceptedAt: text.nullable(),
  completedAt: text.nullable(),
});

export const eventPayloadSchemas = {
  'balance.changed': z.strictObject({ delta: whole, balance: whole, currency: text, reason: text, ref: text.nullable() }),
  'xp.changed': z.strictObject({ xp: whole, level: whole }),
  'reward.granted': z.strictObject({ source: text, gold: whole, currencies: z.record(text, whole), items: z.record(text, whole) }),
  'streak.claimed': z.strictObject({ day: whole, reward: whole }),
  'level.up': z.strictObject({ level: whole, previous: whole }),
  'purchase.completed': z.strictObject({ itemId: text, qty: whole, price: whole, currency: text }),
  'task.created': z.strictObject({ task }),
  'task.updated': z.strictObject({ task }),
  'crash.round': z.discriminatedUnion('phase', [
    z.strictObject({ phase: z.literal('betting'), roundId: whole, seedHash: text, endsAt: whole }),
    z.strictObject({ phase: z.literal('running'), roundId: whole }),
    z.strictObject({ phase: z.literal('crashed'), roundId: whole, crashPoint: z.number(), hash: text, commitment: text, interrupted: z.boolean(), voided: z.boolean() }),
  ]),
  announcement: z.strictObject({ text }),
} as const;

const wireEventOf = <K extends keyof EventPayloads>(type: K) =>
  z.strictObject({ stream: text, seq: whole, type: z.literal(type), at: text, data: eventPayloadSchemas[type] });
/** A committed event as clients receive it, its payload checked by its type. */
export const wireEventSchema = z.discriminatedUnion(
  'type',
  (Object.keys(eventPayloadSchemas) as (keyof EventPayloads)[]).map(wireEventOf) as unknown as [WireEventSchemas, ...WireEventSchemas[]],
);
type WireEventSchemas = { [K in keyof EventPayloads]: ReturnType<typeof wireEventOf<K>> }[keyof EventPayloads];

const taskResult = z.strictObject({ task });
export const commandResultSchemas = {
  ...gameResultSchemas,
  'streak.claim': z.strictObject({ day: whole, reward: whole, currency: text, balance: whole }),
  'shop.buy': z.strictObject({ balance: whole, owned: whole, stockLeft: whole.nullable(), currency: text, economyVersion: whole }),
  'wallet.exchange': z.strictObject({ from: text, to: text, spent: whole, received: whole, balances: z.record(text, whole), economyVersion: whole }),
  'fair.rotate': z.strictObject({ revealedServerSeed: text, serverSeedHash: text, clientSeed: text, nonce: whole }),
  'events.sync': z.union([z.strictObject({ events: z.array(wireEventSchema), seq: whole }), z.strictObject({ snapshot: z.literal(true), seq: whole })]),
  'task.accept': taskResult,
  'task.complete': z.strictObject({ task, bountyGold: whole, bountyXp: whole }),
  'task.abandon': taskResult,
  'crash.bet': z.strictObject({ roundId: whole, amount: whole, balance: whole }),
  'crash.cashout': z.strictObject({ roundId: whole, multiplier: z.number(), payout: whole }),
  'admin.grant': z.strictObject({ balance: whole, currency: text }),
  'admin.task.create': taskResult,
  'admin.task.cancel': taskResult,
  'admin.announce': z.strictObject({ seq: whole }),
  'admin.user.get': z.strictObject({
    userId: text,
    displayName: text,
    balance: whole,
    wallet: z.record(text, whole),
    xp: whole,
    level: whole,
    stats: z.record(text, z.unknown()),
    inventory: z.record(text, whole),
    ledger: z.array(z.strictObject({ id: whole, from: text, to: text, amount: whole, currency: text, reason: text, ref: text.nullable(), economyVersion: whole.nullable(), at: text })),
  }),
  'admin.audit': z.strictObject({
    ok: z.boolean(),
    accounts: whole,
    sumOfBalances: whole,
    minted: whole,
    burned: whole,
    circulating: whole,
    currencies: z.record(text, z.strictObject({ sumOfBalances: whole, minted: whole, burned: whole, circulating: whole })),
    negativePlayers: z.array(text),
    mismatches: z.array(z.strictObject({ account: text, currency: text, balance: whole, fromTransfers: whole })),
    misfiled: z.array(z.strictObject({ account: text, currency: text })),
  }),
  'admin.kick': z.strictObject({ kicked: whole, bannedUntil: text.optional() }),
  'admin.sessions.revoke': z.strictObject({ userId: text, generation: whole, kicked: whole }),
  'admin.crash.open': z.strictObject({ table: text, opened: z.boolean() }),
  'admin.economy.publish': z.union([z.strictObject({ version: whole }), z.strictObject({ valid: z.literal(true) })]),
  // The document's own schema is the server's (server/economy/schema.ts); here, its envelope.
  'admin.economy.get': z.strictObject({
    version: whole,
    economy: z.custom<Economy>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
    versions: z.array(z.strictObject({ version: whole, publishedAt: text, publishedBy: text })),
  }),
} as const;

// Each schema infers exactly its registry type, and there is one for every event and command.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mismatched<Schemas extends Record<string, z.ZodType>, Types> = {
  [K in keyof Types]: K extends keyof Schemas ? (Same<z.output<Schemas[K]>, Types[K]> extends true ? never : K) : K;
}[keyof Types];
/** `never` when every schema matches its registry type; otherwise the names that do not. */
export type SchemaDrift = Mismatched<typeof eventPayloadSchemas, EventPayloads> | Mismatched<typeof commandResultSchemas, CommandResults> | Exclude<keyof typeof commandResultSchemas, keyof CommandResults>;
/** Fails to compile when a schema and its registry type differ (checked by `npm run typecheck`). */
export const schemasMatchRegistry: [SchemaDrift] extends [never] ? true : SchemaDrift = true;

/** What is wrong with `value` as `schema` says, or undefined when it conforms. */
export function wireMismatch(schema: z.ZodType, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
