// The event feed and the toasts, built only from committed events the links applied (each
// (stream, seq) once). Toasts are for what the player did not cause in this tab: grants, bounties,
// payouts, level-ups, announcements, new tasks. They stay until dismissed (no timers to race).
import { signal } from '@preact/signals';
import { EventType } from '../../../shared/events.ts';
import type { TypedEvent } from '../../../shared/registry.ts';

export type FeedEntry = { key: string; at: string; text: string };

export const feed = signal<FeedEntry[]>([]);
export const toasts = signal<FeedEntry[]>([]);

const FEED_LIMIT = 100;
const TOAST_LIMIT = 4;
const TOAST_REASONS = new Set(['admin.grant', 'admin.debit', 'task.bounty', 'crash.payout', 'crash.refund']);

const REASON_TEXT: Record<string, string> = {
  'streak.claim': 'the daily streak',
  'game.rps': 'rock, paper, scissors',
  'game.slot': 'the slot machine',
  'game.gacha': 'gacha',
  'shop.buy': 'the shop',
  'task.bounty': 'a task bounty',
  'crash.bet': 'a crash bet',
  'crash.payout': 'a crash cash-out',
  'crash.refund': 'a crash refund',
  'wallet.exchange': 'an exchange',
  'level.up': 'a level-up reward',
};

/** A signed amount in a currency: "+300 gold". */
function money(n: number, currency: string): string {
  return `${n > 0 ? '+' : ''}${n.toLocaleString('en')} ${currency}`;
}

function gold(n: number): string {
  return money(n, 'gold');
}

/** The sentence for an event, and whether it deserves a toast; null for events the feed skips. */
export function describe(event: TypedEvent): { text: string; toast: boolean } | null {
  switch (event.type) {
    case EventType.balanceChanged: {
      const d = event.data;
      const balance = `Balance ${d.balance.toLocaleString('en')} ${d.currency}`;
      if (d.reason === 'admin.grant') return { text: `An admin granted you ${money(d.delta, d.currency)} (${d.ref ?? 'no reason'}). ${balance}.`, toast: true };
      if (d.reason === 'admin.debit') return { text: `An admin took ${money(-d.delta, d.currency)} (${d.ref ?? 'no reason'}). ${balance}.`, toast: true };
      return { text: `${money(d.delta, d.currency)} from ${REASON_TEXT[d.reason] ?? d.reason}. ${balance}.`, toast: TOAST_REASONS.has(d.reason) };
    }
    case EventType.levelUp:
      return { text: `Level up! You reached level ${event.data.level}.`, toast: true };
    case EventType.rewardGranted: {
      // Gold rewards already show as balance.changed; only items are news here.
      const items = Object.entries(event.data.items ?? {}).map(([id, qty]) => `${qty} × ${id}`);
      return items.length ? { text: `Items from ${event.data.source}: ${items.join(', ')}.`, toast: false } : null;
    }
    case EventType.streakClaimed: {
      const d = event.data;
      return { text: `Daily streak day ${d.day}: ${gold(d.reward)}.`, toast: false };
    }
    case EventType.purchaseCompleted: {
      const d = event.data;
      return { text: `Bought ${d.qty} × ${d.itemId} for ${d.price} ${d.currency}.`, toast: false };
    }
    case EventType.taskCreated: {
      const { task } = event.data;
      return { text: `New task on the board: ${task.title} (${task.bountyGold} gold).`, toast: true };
    }
    case EventType.taskUpdated: {
      const { task } = event.data;
      return { text: `Task "${task.title}" is ${task.status}.`, toast: false };
    }
    case EventType.announcement:
      return { text: `Announcement: ${event.data.text}`, toast: true };
    default:
      // xp.changed shows in the header; crash.round on the crash table.
      return null;
  }
}

export function recordEvent(event: TypedEvent): void {
  const described = describe(event);
  if (!described) return;
  const entry = { key: `${event.stream}#${event.seq}`, at: event.at, text: described.text };
  feed.value = [entry, ...feed.value].slice(0, FEED_LIMIT);
  if (described.toast) toasts.value = [entry, ...toasts.value].slice(0, TOAST_LIMIT);
}

export function dismissToast(key: string): void {
  toasts.value = toasts.value.filter((t) => t.key !== key);
}

export function clearFeed(): void {
  feed.value = [];
  toasts.value = [];
}
