// Reading the docs' Markdown in tests: a section under a heading, and the rows of its tables.
import assert from 'node:assert/strict';

/** The text under a Markdown heading, up to the next heading of the same or a higher level. */
export function section(doc: string, heading: string): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '') === heading && /^#+\s/.test(line));
  assert.ok(start >= 0, `the document has a section "${heading}"`);
  const level = /^#+/.exec(lines[start])![0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+\s/.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Rows of the Markdown tables in `text`, keyed by their first cell without backticks. */
export function tableRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cells = /^\|\s*([^|]+?)\s*\|/.exec(line);
    if (cells && !/^-+$/.test(cells[1])) rows.set(cells[1].replace(/`/g, ''), line);
  }
  return rows;
}
