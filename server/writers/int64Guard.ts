// msgpack carries 64-bit integers, which msgpackr decodes as BigInt. No Coffer field takes one
// (amounts are safe integers), and a BigInt that slips past a schema breaks JSON (the admin audit
// trail could not record such a command). Refused anywhere in a payload, with its path.

/** The path of the first BigInt in `payload` (`bet`, `item.price`, `0`), or undefined. */
export function findInt64(payload: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[payload, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'bigint') return path || 'payload';
    if (typeof value !== 'object' || value === null) continue;
    for (const key of Object.keys(value)) stack.push([(value as Record<string, unknown>)[key], path ? `${path}.${key}` : key]);
  }
  return undefined;
}

export function int64Message(path: string): string {
  return `${path} is a 64-bit integer; numbers must be whole numbers within ±(2^53 - 1)`;
}

/** JSON.stringify that writes a BigInt as its decimal string (for records of refused input). */
export function jsonWithInt64(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
