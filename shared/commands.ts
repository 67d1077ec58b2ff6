// Command schemas, validated at the room boundary. Every message a client sends is
// `{ id, ...fields }`; the error text names the field at fault (docs/PROTOCOL.md).
import { z } from 'zod';
import type { GachaItem, Proof, SlotSymbol } from './fair.ts';

import { CommandType, Hand } from './commandNames.ts';

export const MAX_BET = 1_000_000;

// The names live in commandNames.ts (no zod, for the browser bundle); re-exported here.
export { CommandType, Hand };

export const commandId = z
  .string({ error: 'id must be a string of 8-64 characters [A-Za-z0-9_-]' })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, { error: 'id must be 8-64 characters of [A-Za-z0-9_-]' });

export const wholeAmount = (field: string, max: number) =>
  z
    .number({ error: `${field} must be a whole number between 1 and ${max}` })
    .int({ error: `${field} must be a whole number between 1 and ${max}` })
    .min(1, { error: `${field} must be a whole number between 1 and ${max}` })
    .max(max, { error: `${field} must be a whole number between 1 and ${max}` });

export const streakClaim = z.strictObject({ id: commandId });
export const gameRps = z.strictObject({
  id: commandId,
  bet: wholeAmount('bet', MAX_BET),
  hand: z.enum(Hand, { error: 'hand must be one of rock, paper, scissors' }),
});
export const eventsSync = z.strictObject({
  id: commandId,
  afterSeq: z
    .number({ error: 'afterSeq must be a whole number >= 0' })
    .int({ error: 'afterSeq must be a whole number >= 0' })
    .min(0, { error: 'afterSeq must be a whole number >= 0' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'afterSeq must be a whole number >= 0' }),
});

export const gameSlot = z.strictObject({ id: commandId, bet: wholeAmount('bet', MAX_BET) });

export const gameGacha = z.strictObject({
  id: commandId,
  pulls: z.union([z.literal(1), z.literal(10)], { error: 'pulls must be 1 or 10' }),
});

export const MAX_BUY_QTY = 100;
export const shopBuy = z.strictObject({
  id: commandId,
  itemId: z.string({ error: 'itemId must be 1-64 characters of [a-z0-9-]' }).regex(/^[a-z0-9-]{1,64}$/, { error: 'itemId must be 1-64 characters of [a-z0-9-]' }),
  qty: wholeAmount('qty', MAX_BUY_QTY),
});

export const fairRotate = z.strictObject({
  id: commandId,
  clientSeed: z.string({ error: 'clientSeed must be 1-64 characters of [A-Za-z0-9_-]' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'clientSeed must be 1-64 characters of [A-Za-z0-9_-]' }),
});

export const playerCommands = {
  [CommandType.streakClaim]: streakClaim,
  [CommandType.gameRps]: gameRps,
  [CommandType.eventsSync]: eventsSync,
  [CommandType.fairRotate]: fairRotate,
  [CommandType.gameSlot]: gameSlot,
  [CommandType.gameGacha]: gameGacha,
  [CommandType.shopBuy]: shopBuy,
} as const;

export type PlayerCommand =
  | ({ type: typeof CommandType.streakClaim } & z.infer<typeof streakClaim>)
  | ({ type: typeof CommandType.gameRps } & z.infer<typeof gameRps>)
  | ({ type: typeof CommandType.eventsSync } & z.infer<typeof eventsSync>)
  | ({ type: typeof CommandType.fairRotate } & z.infer<typeof fairRotate>)
  | ({ type: typeof CommandType.gameSlot } & z.infer<typeof gameSlot>)
  | ({ type: typeof CommandType.gameGacha } & z.infer<typeof gameGacha>)
  | ({ type: typeof CommandType.shopBuy } & z.infer<typeof shopBuy>);

export type RpsOutcome = 'win' | 'lose' | 'draw';
export type StreakClaimResult = { day: number; reward: number; balance: number };
export type RpsResult = { serverHand: Hand; outcome: RpsOutcome; payout: number; balance: number; proof: Proof | null };
export type SlotResult = { reels: [SlotSymbol, SlotSymbol, SlotSymbol]; payout: number; balance: number; proof: Proof };
export type GachaResult = { items: GachaItem[]; cost: number; balance: number; proof: Proof };
export type ShopBuyResult = { balance: number; owned: number; stockLeft: number | null };
export type FairRotateResult = { revealedServerSeed: string; serverSeedHash: string; clientSeed: string; nonce: number };
export type EventsSyncResult = { events: import('./registry.ts').TypedEvent[]; seq: number } | { snapshot: true; seq: number };
