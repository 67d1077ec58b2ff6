// admin.economy.publish and admin.economy.get in the admin room (docs/PROTOCOL.md): a publish is
// validated first (every problem named, nothing stored), then stored through the admin room's
// fenced writer, so that a resent id gets its first reply instead of a second version, and the
// version, the admin's audit line and that reply commit together; the version is in force once
// the commit is.
import { AdminCommandType, type EconomyView } from '../../shared/adminCommands.ts';
import type { PublishedEconomy } from '../../shared/economy.ts';
import type { SerialWriter } from '../writers/serialWriter.ts';
import { ack, type Reply } from '../writers/replies.ts';
import type { EconomyRuntime } from './runtime.ts';

/** What the admin room needs of the live economy. */
export type EconomyDesk = Pick<EconomyRuntime, 'validate' | 'record' | 'adopt' | 'current' | 'versions'>;

export type PublishCommand = { id: string; adminId: string; hash: string; economy: unknown; dryRun: boolean; payload: unknown };

export function publishEconomy(writer: SerialWriter, desk: EconomyDesk, command: PublishCommand): Promise<Reply> {
  // Throws InvalidEconomy (INVALID_INPUT with every path in `details`) before anything is queued.
  const economy = desk.validate(command.economy);
  if (command.dryRun) return Promise.resolve(ack(command.id, { valid: true }));
  return writer.run(`admin:${command.adminId}`, command.id, command.hash, () => {
    const result = { version: 0 };
    let published: PublishedEconomy | undefined;
    return {
      result,
      events: [],
      write: async (trx) => {
        published = await desk.record(trx, economy, command.adminId, { action: AdminCommandType.economyPublish, commandId: command.id, payload: command.payload });
        result.version = published.version;
      },
      apply: () => desk.adopt(published!),
    };
  });
}

/** The version in force, its document and every version, newest first. */
export async function economyView(desk: EconomyDesk): Promise<EconomyView> {
  const { version, economy } = desk.current();
  return { version, economy, versions: await desk.versions() };
}

/** Whether the admin room's own audit line is already written: a stored publish wrote it in its transaction. */
export function auditedInPublish(type: string, reply: Reply): boolean {
  return type === AdminCommandType.economyPublish && 'ack' in reply && typeof (reply.ack.result as { version?: unknown }).version === 'number';
}
