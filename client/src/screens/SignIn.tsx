// Sign in as a guest (a display name) or as the admin (the password).
import { useSignal } from '@preact/signals';
import { signInAdmin, signInGuest } from '../net/auth.ts';
import { signIn } from '../state/session.ts';
import { ErrorLine } from './ErrorLine.tsx';

export function SignIn() {
  const name = useSignal('');
  const password = useSignal('');
  const busy = useSignal(false);
  const error = useSignal('');

  async function attempt(work: () => ReturnType<typeof signInGuest>) {
    busy.value = true;
    error.value = '';
    try {
      signIn(await work());
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      busy.value = false;
    }
  }

  return (
    <main class="signin">
      <h1>Coffer</h1>
      <form
        aria-labelledby="guest-title"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(() => signInGuest(name.value));
        }}
      >
        <h2 id="guest-title">Play as a guest</h2>
        <label for="guest-name">Display name</label>
        <input id="guest-name" maxLength={32} autoComplete="nickname" value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} />
        <button type="submit" disabled={busy.value}>
          Play
        </button>
      </form>
      <form
        aria-labelledby="admin-title"
        onSubmit={(e) => {
          e.preventDefault();
          void attempt(() => signInAdmin(password.value));
        }}
      >
        <h2 id="admin-title">Admin</h2>
        <label for="admin-password">Admin password</label>
        <input id="admin-password" type="password" autoComplete="current-password" value={password.value} onInput={(e) => (password.value = e.currentTarget.value)} />
        <button type="submit" disabled={busy.value}>
          Sign in as admin
        </button>
      </form>
      <ErrorLine message={error.value} />
    </main>
  );
}
