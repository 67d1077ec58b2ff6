// The room boundary: unknown types and malformed payloads never reach the domain.
import type { z } from 'zod';
import { commandId } from '../../shared/commands.ts';
import { findInt64, int64Message } from './int64Guard.ts';
import { nack, type Reply } from './replies.ts';

/** A command of a room whose schemas are `S`, discriminated by `type` (e.g. PlayerCommand for playerCommands). */
export type CommandOf<S extends Record<string, z.ZodType>> = { [K in keyof S & string]: { type: K } & z.output<S[K]> }[keyof S & string];

export function validateCommand<S extends Record<string, z.ZodType<{ id: string }>>>(schemas: S, type: string, payload: unknown): { command: CommandOf<S> } | Extract<Reply, { nack: unknown }> {
  const rawId = (payload as { id?: unknown } | null)?.id;
  const id = commandId.safeParse(rawId).success ? (rawId as string) : null;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return nack(id, 'INVALID_INPUT', 'the command payload must be an object with an id');
  }
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!schema) return nack(id, 'INVALID_INPUT', `type "${String(type).slice(0, 64)}" is not a command of this room`);
  const int64 = findInt64(payload);
  if (int64 !== undefined) return nack(id, 'INVALID_INPUT', int64Message(int64));
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'payload';
    const message = issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')} is not a field of ${type}` : issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
    return nack(id, 'INVALID_INPUT', message);
  }
  // `type` is a key of `schemas` (looked up above) and the data is what that key's schema parsed.
  return { command: { ...parsed.data, type } as CommandOf<S> };
}
