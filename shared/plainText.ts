// Free text from users (display names, task titles, reasons, announcements) is plain text: no C0
// control characters (NUL included: PostgreSQL refuses it in text, so a name holding one made every
// later join of that account fail), no DEL, no C1 controls (they forge log lines and screens).
// Checked at the boundary, with the field named.
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Display names are shown to other players, next to other names and amounts: they hold no
 * character that changes how the text around it reads while being invisible itself. Bidi controls
 * (embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069, the marks U+200E, U+200F and
 * U+061C) reorder what follows them ("gift 1000" shown as "0001 tfig", a name posing as another);
 * zero-width characters (U+200B-U+200D, U+2060, U+FEFF) make two names that look the same differ.
 */
export const INVISIBLE_FORMAT_CHARACTER = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

export function controlCharacterMessage(field: string): string {
  return `${field} must not contain control characters (NUL, line breaks, escapes)`;
}

export function invisibleCharacterMessage(field: string): string {
  return `${field} must not contain bidi controls or zero-width characters (U+061C, U+200B-U+200F, U+202A-U+202E, U+2060, U+2066-U+2069, U+FEFF)`;
}

export function isPlainText(value: string): boolean {
  return !CONTROL_CHARACTER.test(value);
}

/** Plain text without bidi controls or zero-width characters. */
export function isDisplayName(value: string): boolean {
  return isPlainText(value) && !INVISIBLE_FORMAT_CHARACTER.test(value);
}

/** Why `value` is not a display name (the field named), or undefined when it is one. */
export function displayNameProblem(value: string, field = 'displayName'): string | undefined {
  if (!isPlainText(value)) return controlCharacterMessage(field);
  if (INVISIBLE_FORMAT_CHARACTER.test(value)) return invisibleCharacterMessage(field);
  return undefined;
}
