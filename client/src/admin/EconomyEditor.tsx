// The economy editor (docs/ECONOMY.md): the current document as JSON, "Check" (admin.economy.publish
// with dryRun: every problem the server finds, each at its JSON path and highlighted on its line),
// the changes against the current version, "Publish", and the version history (EconomyHistory.tsx).
// Loaded as its own chunk: the JSON parser and the diff are no part of any other screen. Check and
// Publish go over HTTP (POST /economy, net/economyPublish.ts): a document is larger than a
// WebSocket message may be.
import { useSignal } from '@preact/signals';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { EconomyProblem } from '../../../shared/economy.ts';
import { publishingOverHttp } from '../net/economyPublish.ts';
import type { CommandSender } from '../net/roomLink.ts';
import { session } from '../state/session.ts';
import { ErrorLine } from '../screens/ErrorLine.tsx';
import { useCommand } from '../screens/useCommand.ts';
import { refreshEconomy } from '../state/economy.ts';
import { Changes } from './Changes.tsx';
import { EconomyHistory, type CurrentEconomy, type EconomyDocument } from './EconomyHistory.tsx';
import { JsonArea, selectLine } from './JsonArea.tsx';
import { economyChanges, type Change } from './economyDiff.ts';
import { linesOfPaths, parseJson } from './jsonText.ts';
import { addStyles } from '../screens/styleSheet.ts';
import css from './economyEditor.css' with { type: 'text' };

addStyles(css);

/** A checked document: valid, and what publishing it would change. */
type Checked = { text: string; document: EconomyDocument; changes: Change[] };

function pretty(document: unknown): string {
  return JSON.stringify(document, null, 2);
}

export function EconomyEditor({ admin }: { admin: CommandSender }) {
  const sender = useMemo(() => publishingOverHttp(admin, () => session.value?.token ?? ''), [admin]);
  const { busy, error, refusal, run } = useCommand(sender);
  const current = useSignal<CurrentEconomy | null>(null);
  const text = useSignal('');
  const problems = useSignal<EconomyProblem[]>([]);
  const syntaxLine = useSignal<number | null>(null);
  const checked = useSignal<Checked | null>(null);
  const note = useSignal('');
  const area = useRef<HTMLTextAreaElement>(null);

  async function load(): Promise<void> {
    const r = await run(AdminCommandType.economyGet);
    if (!r) return;
    current.value = r;
    text.value = pretty(r.economy);
    checked.value = null;
    problems.value = [];
    void refreshEconomy();
  }
  useEffect(() => void load(), []);

  async function check(): Promise<void> {
    note.value = '';
    problems.value = [];
    syntaxLine.value = null;
    checked.value = null;
    const parsed = parseJson(text.value);
    if (!parsed.ok) {
      problems.value = [{ path: '', message: parsed.message }];
      syntaxLine.value = parsed.line;
      return;
    }
    const submitted = text.value;
    const document = parsed.value as EconomyDocument;
    const r = await run(AdminCommandType.economyPublish, { economy: document, dryRun: true });
    if (!r) {
      problems.value = refusal.value?.details ?? [];
      return;
    }
    checked.value = { text: submitted, document, changes: current.value ? economyChanges(current.value.economy, document) : [] };
  }

  async function publish(document: EconomyDocument, what: string): Promise<boolean> {
    const r = await run(AdminCommandType.economyPublish, { economy: document });
    if (!r || !('version' in r)) return false;
    await load();
    note.value = `Published ${what} as version ${r.version}.`;
    return true;
  }

  const lines = syntaxLine.value !== null ? [syntaxLine.value] : linesOfPaths(text.value, problems.value.map((p) => p.path));
  const ready = checked.value !== null && checked.value.text === text.value;
  return (
    <div class="grid wide">
      <section class="card" aria-labelledby="economy-title">
        <h2 id="economy-title">Economy</h2>
        <p data-testid="economy-version">{current.value ? `Current: version ${current.value.version}.` : 'Loading…'}</p>
        <JsonArea id="economy-json" label="Economy document (JSON)" value={text} marked={new Set(lines.filter((l) => l !== undefined))} areaRef={area} />
        <div class="row">
          <button type="button" disabled={busy.value || !current.value} onClick={check}>
            Check
          </button>
          <button type="button" disabled={busy.value || !ready || checked.value?.changes.length === 0} onClick={() => publish(checked.value!.document, 'your document')}>
            Publish
          </button>
          <button type="button" disabled={busy.value || !current.value} onClick={load}>
            Reload current version
          </button>
        </div>
        {problems.value.length > 0 ? (
          <>
            <h3 id="economy-problems-title">Problems</h3>
            <ul class="problems" aria-labelledby="economy-problems-title" data-testid="economy-problems">
              {problems.value.map((p, i) => (
                <li key={`${p.path}:${p.message}`}>
                  <code>{p.path || '(the document)'}</code>: {p.message}
                  {lines[i] !== undefined ? (
                    <>
                      {' '}
                      <button type="button" class="link" aria-label={`Select line ${lines[i]} (${p.path || 'the document'})`} onClick={() => area.current && selectLine(area.current, lines[i]!)}>
                        line {lines[i]}
                      </button>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {ready ? (
          <>
            <p role="status">{checked.value!.changes.length === 0 ? 'Valid, and the same as the current version: nothing to publish.' : 'Valid. Publishing makes these changes:'}</p>
            <Changes changes={checked.value!.changes} against={`version ${current.value?.version}`} />
          </>
        ) : null}
        {note.value ? <p role="status">{note.value}</p> : null}
        {/* Problems are listed above; any other refusal is said here. */}
        <ErrorLine message={problems.value.length > 0 ? '' : error.value} />
      </section>
      {current.value ? (
        <EconomyHistory
          current={current.value}
          busy={busy.value}
          onPublish={publish}
          onLoad={(document) => {
            text.value = pretty(document);
            problems.value = [];
            note.value = '';
          }}
        />
      ) : null}
    </div>
  );
}
