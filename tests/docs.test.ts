// The documents in docs/ against the code they describe, so the two cannot drift apart:
// docs/PROTOCOL.md names every command (with its fields, in its room's table), event type, error
// code, join status and close code that shared/ defines, and no error code that shared/ does not;
// docs/OPERATIONS.md documents every variable server/config.ts reads, and no other; the
// invariant IDs that code and tests cite exist in docs/ARCHITECTURE.md; nothing in the
// repository cites a design, protocol or style document that is not in it; every link between the
// documents and every section a comment cites (`docs/PROTOCOL.md "Events"`) exists; and the
// README keeps the quick start that .ci/quickstart runs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ZodObject } from 'zod';
import { CONFIG_VARIABLES } from '../server/config.ts';
import { adminCommands } from '../shared/adminCommands.ts';
import { boardCommands } from '../shared/boardCommands.ts';
import { playerCommands } from '../shared/commands.ts';
import { crashCommands } from '../shared/crashCommands.ts';
import { EventType } from '../shared/events.ts';
import { CloseCode, ErrorCode, JoinErrorCode, RoomName, ServerMessage } from '../shared/protocol.ts';
import { Reason, REASON_CODES } from '../shared/reasons.ts';
import { gameCommands } from '../server/games/commands.ts';
import { section, tableRows } from './support/markdown.ts';
import { ROOT } from './support/server.ts';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const protocolDoc = read('docs/PROTOCOL.md');
const operationsDoc = read('docs/OPERATIONS.md');
const architectureDoc = read('docs/ARCHITECTURE.md');

/** What of `names` has no row in `rows`: what a test below fails on. */
function undocumented(names: Iterable<string>, rows: Map<string, string>): string[] {
  return [...names].filter((name) => !rows.has(name));
}

test('the checks fail on something undocumented (a code added to shared/ without a row)', () => {
  const rows = tableRows('| code | meaning |\n| --- | --- |\n| `CONFLICT` | the state refuses it |\n');
  assert.deepEqual(undocumented(['CONFLICT', 'SOLD_OUT'], rows), ['SOLD_OUT']);
  assert.throws(() => section('# A\ntext\n', 'Missing'), /has a section "Missing"/);
});

test('docs/PROTOCOL.md documents every command of each room, with every field', () => {
  const rooms: Array<[string, Record<string, ZodObject>]> = [
    ['`player` room', playerCommands],
    ['`board` room', boardCommands],
    ['`crash` room', crashCommands],
    ['`admin` room', adminCommands as Record<string, ZodObject>],
  ];
  for (const [heading, commands] of rooms) {
    const rows = tableRows(section(protocolDoc, heading));
    assert.deepEqual(undocumented(Object.keys(commands), rows), [], `commands of the ${heading} missing from docs/PROTOCOL.md`);
    for (const [type, schema] of Object.entries(commands)) {
      const row = rows.get(type)!;
      const fieldsCell = row.split('|')[2];
      for (const field of Object.keys(schema.shape).filter((f) => f !== 'id')) {
        assert.match(fieldsCell, new RegExp(`\`${field}\``), `docs/PROTOCOL.md: ${type} lists its field ${field}`);
      }
    }
    // And no command documented for a room that does not take it.
    for (const documented of rows.keys()) {
      if (documented === 'type') continue;
      assert.ok(documented in commands, `docs/PROTOCOL.md documents ${documented} in the ${heading}, which has no such command`);
    }
  }
});

test('docs/PROTOCOL.md documents every event type, and only those', () => {
  const rows = tableRows(section(protocolDoc, 'Events'));
  assert.deepEqual(undocumented(Object.values(EventType), rows), []);
  const known = new Set<string>(Object.values(EventType));
  for (const documented of rows.keys()) if (documented !== 'type') assert.ok(known.has(documented), `docs/PROTOCOL.md documents event ${documented}, which shared/events.ts does not define`);
});

test('docs/PROTOCOL.md documents every error code, and no code that does not exist', () => {
  const rows = tableRows(section(protocolDoc, 'Error codes'));
  assert.deepEqual(undocumented(Object.values(ErrorCode), rows), [], 'error codes of shared/protocol.ts missing from docs/PROTOCOL.md "Error codes"');
  const known = new Set<string>(Object.values(ErrorCode));
  for (const documented of rows.keys()) if (documented !== 'code') assert.ok(known.has(documented), `docs/PROTOCOL.md documents ${documented}, which is not an ErrorCode`);
  // Every code a refusal column or join table names is a real one too. Other upper-case names
  // the page may use: the server's variables (limits it quotes) and these constants of shared/.
  const notCodes = new Set([...configVariables(), 'MAX_BET', 'PROTOCOL_VERSION', 'REASON_CODES']);
  for (const [, code] of protocolDoc.matchAll(/`([A-Z][A-Z_]{3,})`/g)) {
    if (!notCodes.has(code) && !(code in Reason)) {
      assert.ok(known.has(code), `docs/PROTOCOL.md names ${code}, which is neither an ErrorCode, a Reason nor a variable of server/config.ts`);
    }
  }
});

test('docs/PROTOCOL.md documents every refusal reason with its code, and no other', () => {
  const rows = tableRows(section(protocolDoc, 'Refusal reasons'));
  assert.deepEqual(undocumented(Object.values(Reason), rows), [], 'reasons of shared/reasons.ts missing from docs/PROTOCOL.md');
  for (const reason of Object.values(Reason)) assert.equal(rows.get(reason)!.split('|')[2].trim(), `\`${REASON_CODES[reason]}\``, `the code of ${reason}`);
  for (const documented of rows.keys()) if (documented !== 'reason') assert.ok(documented in Reason, `docs/PROTOCOL.md documents reason ${documented}, which shared/reasons.ts does not define`);
  // The commands a reason is given for are commands of some room.
  const commands = new Set([playerCommands, gameCommands, boardCommands, crashCommands, adminCommands].flatMap((room) => Object.keys(room)));
  for (const reason of Object.values(Reason)) {
    const named = [...rows.get(reason)!.split('|')[3].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    assert.ok(named.length > 0, `docs/PROTOCOL.md names the command(s) refused with ${reason}`);
    for (const type of named) assert.ok(commands.has(type), `docs/PROTOCOL.md: ${reason} is given for ${type}, which is no room's command`);
  }
});

test('docs/PROTOCOL.md documents every join status, close code, room and message kind', () => {
  const joins = tableRows(section(protocolDoc, 'Join refusals'));
  for (const [code, status] of Object.entries(JoinErrorCode)) {
    assert.match(joins.get(String(status)) ?? '', new RegExp(`\`${code}\``), `join status ${status} ${code} in docs/PROTOCOL.md`);
  }
  const closes = tableRows(section(protocolDoc, 'Close codes'));
  assert.deepEqual(undocumented(Object.values(CloseCode).map(String), closes), []);
  const rooms = tableRows(section(protocolDoc, 'Rooms'));
  assert.deepEqual(undocumented(Object.values(RoomName), rooms), []);
  for (const kind of Object.values(ServerMessage)) assert.match(protocolDoc, new RegExp(`message \`${kind}\``), `message kind ${kind}`);
});

/** Every variable server/config.ts reads: its list, and the keys of its schema (in case one is added to only one of them). */
function configVariables(): string[] {
  const source = read('server/config.ts');
  const schemaBody = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});', source.indexOf('const schema = z.object({')));
  const keys = [...schemaBody.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
  assert.ok(keys.length > 10, 'the schema keys of server/config.ts were found');
  return [...new Set([...CONFIG_VARIABLES, ...keys])];
}

test('docs/OPERATIONS.md documents every variable server/config.ts reads, and no other', () => {
  const rows = tableRows(section(operationsDoc, 'Configuration'));
  const variables = configVariables();
  assert.deepEqual(undocumented(variables, rows), [], 'add these to the configuration table of docs/OPERATIONS.md');
  for (const documented of rows.keys()) if (documented !== 'variable') assert.ok(variables.includes(documented), `docs/OPERATIONS.md documents ${documented}, which server/config.ts does not read`);
});

/** Source and documentation files of the repository (no dependencies, builds or data). */
function repositoryFiles(dir = ROOT): string[] {
  const skip = new Set(['node_modules', '.git', 'dist', 'data', 'results', 'test-artifacts']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(full);
    return /\.(ts|tsx|md|yaml|yml)$/.test(entry.name) ? [full] : [];
  });
}

test('every invariant ID the code cites is defined in docs/ARCHITECTURE.md, and each one is cited', () => {
  const defined = new Set([...architectureDoc.matchAll(/^### (INV-\d+):/gm)].map((m) => m[1]));
  assert.ok(defined.size >= 8);
  const cited = new Set<string>();
  for (const file of repositoryFiles()) {
    if (file.endsWith('ARCHITECTURE.md')) continue;
    for (const [id] of readFileSync(file, 'utf8').matchAll(/\bINV-\d+\b/g)) {
      assert.ok(defined.has(id), `${path.relative(ROOT, file)} cites ${id}, which docs/ARCHITECTURE.md does not define`);
      cited.add(id);
    }
  }
  assert.deepEqual([...defined].filter((id) => !cited.has(id)), [], 'invariants no code or test cites');
});

test('no file cites a design, protocol or style document that is not in the repository', () => {
  const offenders: string[] = [];
  // This file names the documents of docs/ as its own data; it is not a citation.
  for (const file of repositoryFiles().filter((f) => !f.endsWith('docs.test.ts'))) {
    const text = readFileSync(file, 'utf8');
    // `docs/PROTOCOL.md` is in the repository (and so is a link to it from inside docs/); the
    // brief's own design, protocol and style documents, named without a folder, are not.
    for (const match of text.matchAll(/(?<![\w/.-])(DESIGN|PROTOCOL|STYLE)\.md\b/g)) {
      const relativeToDocs = path.dirname(file) === path.join(ROOT, 'docs') && match[1] === 'PROTOCOL';
      if (!relativeToDocs) offenders.push(`${path.relative(ROOT, file)}: ${match[0]}`);
    }
    for (const match of text.matchAll(/\b(?:DESIGN|STYLE) rules? \d+/g)) offenders.push(`${path.relative(ROOT, file)}: ${match[0]}`);
    if (/\/work\/shared\b/.test(text)) offenders.push(`${path.relative(ROOT, file)}: /work/shared`);
  }
  assert.deepEqual(offenders, []);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

/** The headings of a Markdown file (outside code blocks), as written, without the #s. */
function headings(text: string): string[] {
  return text.replace(/^```[\s\S]*?^```/gm, '').split('\n').flatMap((line) => /^#+ (.+)$/.exec(line)?.[1] ?? []);
}

/** The documents a reader moves between: the README, docs/, the benchmarks and the folders' READMEs. */
const markdownDocs = () => repositoryFiles().filter((file) => file.endsWith('.md'));

test('links between the documents point at files and headings that exist', () => {
  const docs = markdownDocs();
  assert.ok(docs.includes(path.join(ROOT, 'README.md')) && docs.includes(path.join(ROOT, 'docs/TESTING.md')));
  let links = 0;
  const broken: string[] = [];
  for (const file of docs) {
    const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link)) continue;
      const [target, anchor] = link.split('#');
      const targetFile = target ? path.resolve(path.dirname(file), target) : file;
      const where = `${path.relative(ROOT, file)} -> ${link}`;
      links += 1;
      if (!existsSync(targetFile)) broken.push(`${where}: no such file`);
      else if (anchor && !headings(readFileSync(targetFile, 'utf8')).some((h) => anchorOf(h) === anchor)) broken.push(`${where}: no such heading`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(links > 20);
});

test('the links check fails on a link to a heading that is not there', () => {
  assert.ok(headings('# A\n```\n# not a heading\n```\n## Node 24 and uWebSockets.js\n').map(anchorOf).includes('node-24-and-uwebsocketsjs'));
  assert.ok(!headings('# A\n```\n# not a heading\n```\n').map(anchorOf).includes('not-a-heading'));
});

/**
 * Sections that code comments and documents cite by name, `docs/PROTOCOL.md "Events"` or
 * `README's "Guarantees"`: the file it names (from the citing file's folder, the root or docs/)
 * and the quoted start of a heading there.
 */
function sectionCitations(file: string, text: string): Array<{ cited: string; target: string | undefined; heading: string }> {
  return [...text.matchAll(/((?:[\w.-]+\/)*(?:README|[A-Z]+\.md))(?:'s)?,? \(?"([^"\n]+)"/g)].map(([, cited, heading]) => {
    const name = cited.endsWith('.md') ? cited : `${cited}.md`;
    const target = [path.dirname(file), ROOT, path.join(ROOT, 'docs')].map((dir) => path.resolve(dir, name)).find((candidate) => existsSync(candidate));
    return { cited, target, heading };
  });
}

test('every section a file cites by name exists in the document it names', () => {
  const missing: string[] = [];
  let citations = 0;
  for (const file of repositoryFiles().filter((f) => !f.endsWith('docs.test.ts'))) {
    for (const { cited, target, heading } of sectionCitations(file, readFileSync(file, 'utf8'))) {
      citations += 1;
      if (!target) missing.push(`${path.relative(ROOT, file)}: ${cited} is not in the repository`);
      else if (!headings(readFileSync(target, 'utf8')).some((h) => h.replace(/`/g, '').startsWith(heading))) missing.push(`${path.relative(ROOT, file)}: ${cited} has no section "${heading}"`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(citations > 10);
  // And the check sees a citation of a section that moved away.
  const [moved] = sectionCitations(path.join(ROOT, 'server/x.ts'), '// (README, "Node 24 and uWebSockets.js")');
  assert.equal(moved.target, path.join(ROOT, 'README.md'));
  assert.ok(!headings(readFileSync(moved.target, 'utf8')).some((h) => h.startsWith(moved.heading)), 'the README no longer has that section');
});

test('the README keeps the quick start and test commands that .ci/quickstart and .ci/run run verbatim', () => {
  const readme = read('README.md');
  const quickstart = read('.ci/quickstart');
  // .ci/quickstart takes the first line that starts with this, as it is.
  assert.match(quickstart, /grep -m1 -oE '\^npm ci && npm start' "\$readme"/);
  assert.equal(readme.split('\n').find((line) => line.startsWith('npm ci && npm start')), 'npm ci && npm start');
  assert.ok(readme.split('\n').includes('npm test'), 'the README shows `npm test` on a line of its own');
});
