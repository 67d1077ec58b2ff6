// The economy editor's text as JSON: parsed with the line and column of a syntax error, and a
// problem's path (`shop.gem-pack.price.amount`, as the server names it: segments joined by dots,
// array indexes as numbers) traced to the line of the text that holds it.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string; line: number };

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** The line (from 1) that holds `offset`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** The document, or the first syntax error with its line and column. */
export function parseJson(text: string): Parsed {
  const errors: ParseError[] = [];
  parseTree(text, errors, STRICT);
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    const line = lineAt(text, offset);
    const column = offset - text.lastIndexOf('\n', offset - 1);
    return { ok: false, message: `not valid JSON at line ${line}, column ${column}: ${words(printParseErrorCode(error))}`, line };
  }
  // The tree's checks passed: JSON.parse gives the very value the server will read.
  return { ok: true, value: JSON.parse(text) };
}

/** "CloseBraceExpected" -> "close brace expected". */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * The line of the text each problem's path points at: the field's own line, or, for a field that is
 * missing, the line of the nearest object or array on its path that exists. Read from a tolerant
 * parse, so that it points somewhere sensible in a text being edited; undefined for an empty text.
 */
export function linesOfPaths(text: string, paths: readonly string[]): Array<number | undefined> {
  const root = parseTree(text, [], STRICT);
  return paths.map((path) => (root ? lineAt(text, nodeAt(root, path).offset) : undefined));
}

/** The node a path reaches (a field's value stands for its property: the key's line is the one a reader looks for). */
function nodeAt(root: Node, path: string): Node {
  let node = root;
  for (const segment of path === '' ? [] : path.split('.')) {
    const next = child(node, segment);
    if (!next) break;
    node = next;
  }
  return node.parent?.type === 'property' ? node.parent : node;
}

function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'array') return /^\d+$/.test(segment) ? node.children?.[Number(segment)] : undefined;
  if (node.type !== 'object') return undefined;
  const property = node.children?.find((p) => p.children?.[0]?.value === segment);
  return property?.children?.[1];
}
