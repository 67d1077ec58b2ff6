// A screen whose code is a separate chunk, fetched the first time it is shown: the admin tools, the
// economy editor and every player screen but the header, banner, feed and toasts are not part of a
// player's first page load (BENCHMARKS.md; tests/client.bundle.test.ts holds it within 70 KB gzip).
import { useSignal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { ErrorLine } from './ErrorLine.tsx';

export function Lazy<P extends object>({ load, props }: { load: () => Promise<ComponentType<P>>; props: P }) {
  const component = useSignal<ComponentType<P> | null>(null);
  const error = useSignal('');
  useEffect(() => {
    load().then(
      (loaded) => (component.value = loaded),
      (e: Error) => (error.value = `This screen could not be loaded (${e.message}); reload the page to try again.`),
    );
  }, []);
  const Loaded = component.value;
  if (Loaded) return <Loaded {...props} />;
  return error.value ? <ErrorLine message={error.value} /> : <p>Loading…</p>;
}
