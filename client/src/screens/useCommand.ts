// A screen's command runner: one command in flight at a time (its buttons are disabled meanwhile),
// the server's nack sentence kept for display, the ack's result handed back.
import { useSignal } from '@preact/signals';
import type { AnyCommandType, CommandResult } from '../../../shared/registry.ts';
import type { CommandSender, FieldsArgument } from '../net/roomLink.ts';

export function useCommand(link: CommandSender) {
  const busy = useSignal(false);
  const error = useSignal('');
  async function run<T extends AnyCommandType>(type: T, ...fields: FieldsArgument<T>): Promise<CommandResult<T> | undefined> {
    if (busy.value) return undefined;
    busy.value = true;
    error.value = '';
    try {
      return await link.command(type, ...fields);
    } catch (e) {
      error.value = (e as Error).message;
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
