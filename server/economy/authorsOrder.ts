// A validated document in its author's order of keys. The schema's parse builds new objects with
// the schema's order (and fills in defaults), so an author's `{ "max": 50, "min": 1 }` came back
// as `{ min, max }`; the editor, GET /economy/<version> and a diff then showed a document its
// author never wrote. Stored as `json` (schema/entities/economyVersion.ts), this order is kept.

/** `validated`'s keys in the order `sent` has them, then those only `validated` has (defaults), at every depth. */
export function inAuthorsOrder<T>(validated: T, sent: unknown): T {
  if (Array.isArray(validated)) {
    return validated.map((item, i) => inAuthorsOrder(item, Array.isArray(sent) ? sent[i] : undefined)) as T;
  }
  if (!isObject(validated)) return validated;
  const given = isObject(sent) ? Object.keys(sent).filter((k) => Object.hasOwn(validated, k)) : [];
  const keys = [...given, ...Object.keys(validated).filter((k) => !given.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, inAuthorsOrder(validated[k], isObject(sent) ? sent[k] : undefined)])) as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
