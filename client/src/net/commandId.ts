// Command ids (docs/PROTOCOL.md "Commands"): 32 hex characters, chosen by the client, unique per
// command. getRandomValues works on plain http too, where crypto.randomUUID may be missing.
export function newCommandId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
