// The event feed: every committed event this session applied, newest first.
import { feed } from '../state/feed.ts';

export function Feed() {
  const entries = feed.value;
  return (
    <section aria-labelledby="feed-title">
      <h2 id="feed-title">Event feed</h2>
      {entries.length === 0 ? <p>Nothing yet.</p> : null}
      <ol class="feed" data-testid="feed">
        {entries.map((e) => (
          <li key={e.key}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString('en-GB')}</time> {e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
