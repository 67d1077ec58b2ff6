// Who is signed in. Kept in localStorage so a second tab (and a reload) is the same player.
import { signal } from '@preact/signals';
import type { Session } from '../net/auth.ts';

const KEY = 'coffer.session';

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    // Storage disabled or a corrupt entry: start signed out.
    return null;
  }
}

export const session = signal<Session | null>(load());

export function signIn(next: Session): void {
  localStorage.setItem(KEY, JSON.stringify(next));
  session.value = next;
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  session.value = null;
}
