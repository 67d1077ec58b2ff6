// The app shell: sign-in, or the signed-in session with its rooms, header, banner, tabs and toasts.
import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { Session } from './net/auth.ts';
import { ConnectionBanner } from './screens/ConnectionBanner.tsx';
import { Feed } from './screens/Feed.tsx';
import { Lazy } from './screens/Lazy.tsx';
import { ConnectionState, Header } from './screens/Header.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Toasts } from './screens/Toasts.tsx';
import { refreshEconomy } from './state/economy.ts';
import { allLinks, closeLinks, connectionOf, openLinks, type AdminLinks, type PlayerLinks } from './state/links.ts';
import { session, signOut } from './state/session.ts';

declare global {
  interface Window {
    /** Debugging aid (and the browser tests' way to cut a socket): drops every room's socket. */
    cofferDropSockets?: () => void;
  }
}

export function App() {
  const current = session.value;
  return current ? <SignedIn key={current.token} session={current} /> : <SignIn />;
}

function SignedIn({ session }: { session: Session }) {
  const links = useMemo(() => openLinks(session), [session]);
  const connection = useMemo(() => connectionOf(links), [links]);
  useEffect(() => {
    window.cofferDropSockets = () => allLinks(links).forEach((l) => l.dropSocket());
    void refreshEconomy();
    return () => closeLinks(links);
  }, [links]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <ConnectionBanner connection={connection} />
      {links.role === 'admin' ? (
        <header class="header">
          <strong class="who">Admin</strong>
          <ConnectionState status={connection.value.status} />
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </header>
      ) : (
        <Header name={`${session.displayName} (id ${session.userId})`} player={links.player} status={connection} />
      )}
      {links.role === 'admin' ? <AdminScreens links={links} /> : <PlayerScreens links={links} userId={session.userId} />}
      <Toasts />
    </>
  );
}

type Tab = { id: string; label: string };

function Tabs({ tabs, current }: { tabs: Tab[]; current: { value: string } }) {
  return (
    <nav aria-label="Screens">
      <ul class="tabs">
        {tabs.map((t) => (
          <li key={t.id}>
            <button type="button" aria-current={current.value === t.id ? 'page' : undefined} onClick={() => (current.value = t.id)}>
              {t.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const PLAYER_TABS: Tab[] = [
  { id: 'play', label: 'Games' },
  { id: 'crash', label: 'Crash' },
  { id: 'shop', label: 'Shop' },
  { id: 'exchange', label: 'Exchange' },
  { id: 'board', label: 'Tasks' },
  { id: 'feed', label: 'Feed' },
  { id: 'fair', label: 'Fairness' },
];

function PlayerScreens({ links, userId }: { links: PlayerLinks; userId: string }) {
  const tab = useSignal('play');
  return (
    <>
      <Tabs tabs={PLAYER_TABS} current={tab} />
      <main id="main" tabIndex={-1}>
        {tab.value === 'play' ? (
          <div class="grid">
            <Lazy load={() => import('./screens/Streak.tsx').then((m) => m.Streak)} props={{ player: links.player }} />
            <Lazy load={() => import('./games/GameCards.tsx').then((m) => m.GameCards)} props={{ player: links.player }} />
          </div>
        ) : null}
        {tab.value === 'crash' ? <Lazy load={() => import('./games/Crash.tsx').then((m) => m.Crash)} props={{ crash: links.crash, userId }} /> : null}
        {tab.value === 'shop' ? <Lazy load={() => import('./screens/Shop.tsx').then((m) => m.Shop)} props={{ player: links.player }} /> : null}
        {tab.value === 'exchange' ? <Lazy load={() => import('./screens/Exchange.tsx').then((m) => m.Exchange)} props={{ player: links.player }} /> : null}
        {tab.value === 'board' ? <Lazy load={() => import('./screens/Board.tsx').then((m) => m.Board)} props={{ board: links.board, userId }} /> : null}
        {tab.value === 'feed' ? <Feed /> : null}
        {tab.value === 'fair' ? <Lazy load={() => import('./screens/ProofViewer.tsx').then((m) => m.ProofViewer)} props={{ player: links.player }} /> : null}
      </main>
    </>
  );
}

const ADMIN_TABS: Tab[] = [
  { id: 'admin', label: 'Admin' },
  { id: 'economy', label: 'Economy' },
  { id: 'feed', label: 'Feed' },
];

function AdminScreens({ links }: { links: AdminLinks }) {
  const tab = useSignal('admin');
  return (
    <>
      <Tabs tabs={ADMIN_TABS} current={tab} />
      <main id="main" tabIndex={-1}>
        {tab.value === 'admin' ? <Lazy load={() => import('./admin/AdminPanel.tsx').then((m) => m.AdminPanel)} props={{ admin: links.admin, board: links.board }} /> : null}
        {tab.value === 'economy' ? <Lazy load={() => import('./admin/EconomyEditor.tsx').then((m) => m.EconomyEditor)} props={{ admin: links.admin }} /> : null}
        {tab.value === 'feed' ? <Feed /> : null}
      </main>
    </>
  );
}
