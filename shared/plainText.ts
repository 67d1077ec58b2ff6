// Free text from users (display names, task titles, reasons, announcements) is plain text: no C0
// control characters (NUL included: PostgreSQL refuses it in text, so a name holding one made every
// later join of that account fail), no DEL, no C1 controls (they forge log lines and screens).
// Checked at the boundary, with the field named (issue 16).
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

export function controlCharacterMessage(field: string): string {
  return `${field} must not contain control characters (NUL, line breaks, escapes)`;
}

export function isPlainText(value: string): boolean {
  return !CONTROL_CHARACTER.test(value);
}
