// Toasts for what happened to the player from elsewhere; each stays until dismissed.
import { dismissToast, toasts } from '../state/feed.ts';

export function Toasts() {
  return (
    <section class="toasts" aria-label="Notifications" aria-live="polite">
      {toasts.value.map((t) => (
        <div class="toast" key={t.key} data-testid="toast">
          <span>{t.text}</span>
          <button type="button" aria-label={`Dismiss: ${t.text}`} onClick={() => dismissToast(t.key)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
