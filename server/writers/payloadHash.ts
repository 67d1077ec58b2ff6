// The idempotency fingerprint of a command: its type and fields (not its id), key order ignored.
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function payloadHash(type: string, payload: Record<string, unknown>): string {
  const { id: _id, ...fields } = payload;
  return createHash('sha256').update(JSON.stringify(canonical({ type, fields }))).digest('base64url');
}
