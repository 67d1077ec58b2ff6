// The economy's published versions (admin.economy.get), newest first: view one (GET /economy/<version>,
// the public document) with what publishing it again would change, then publish it again (a
// rollback is a new version with an old document) or load it into the editor.
import { useSignal } from '@preact/signals';
import type { CommandResult } from '../../../shared/registry.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { fetchEconomy } from '../state/economy.ts';
import type { PublicEconomy } from '../../../shared/economy.ts';
import { Changes } from './Changes.tsx';
import { economyChanges } from './economyDiff.ts';

/** admin.economy.get's answer: the current version, its document and every version's who and when. */
export type CurrentEconomy = CommandResult<'admin.economy.get'>;

/** A document as the editor sends it: the server judges its shape (anything but an object is refused naming `economy`). */
export type EconomyDocument = Record<string, unknown>;

type Props = {
  current: CurrentEconomy;
  busy: boolean;
  /** Resolves true once published. */
  onPublish: (document: EconomyDocument, what: string) => Promise<boolean>;
  onLoad: (document: EconomyDocument) => void;
};

export function EconomyHistory({ current, busy, onPublish, onLoad }: Props) {
  const viewing = useSignal<PublicEconomy | null>(null);
  const error = useSignal('');

  async function view(version: number): Promise<void> {
    error.value = '';
    try {
      viewing.value = await fetchEconomy(version);
    } catch (e) {
      error.value = `Version ${version} could not be loaded (${(e as Error).message}).`;
    }
  }

  const v = viewing.value;
  const changes = v ? economyChanges(current.economy, v.economy) : [];
  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">Version history</h2>
      <div class="scroll">
        <table data-testid="economy-versions">
          <caption>Published versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Published</th>
              <th scope="col">By</th>
              <th scope="col">Document</th>
            </tr>
          </thead>
          <tbody>
            {[...current.versions]
              .sort((a, b) => b.version - a.version)
              .map((row) => (
                <tr key={row.version}>
                  <td>
                    {row.version}
                    {row.version === current.version ? ' (current)' : ''}
                  </td>
                  <td>{new Date(row.publishedAt).toLocaleString('en-GB')}</td>
                  <td>{row.publishedBy}</td>
                  <td>
                    <button type="button" class="link" aria-label={`View version ${row.version}`} onClick={() => view(row.version)}>
                      View
                    </button>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      <ErrorLine message={error.value} />
      {v ? (
        <div data-testid="economy-viewing">
          <h3>Version {v.version}</h3>
          <p>
            Published {new Date(v.publishedAt).toLocaleString('en-GB')}.{' '}
            {changes.length === 0 ? `The same as the current version ${current.version}.` : `Publishing it again changes version ${current.version} so:`}
          </p>
          <Changes changes={changes} against={`version ${current.version}`} />
          <details>
            <summary>Its document</summary>
            <pre class="mono json-view">{JSON.stringify(v.economy, null, 2)}</pre>
          </details>
          <div class="row">
            <button type="button" disabled={busy || changes.length === 0} onClick={async () => (await onPublish(v.economy, `version ${v.version} again`)) && (viewing.value = null)}>
              Publish version {v.version} again
            </button>
            <button type="button" onClick={() => onLoad(v.economy)}>
              Load version {v.version} into the editor
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}
