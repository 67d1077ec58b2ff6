// A screen's command runner: one command in flight at a time (its buttons are disabled meanwhile),
// the server's nack sentence kept for display (and the whole refusal, for a screen that reads more
// of it), the ack's result handed back.
import { useSignal } from '@preact/signals';
import type { AnyCommandType, CommandResult } from '../../../shared/registry.ts';
import type { CommandError } from '../net/commandError.ts';
import type { CommandSender, FieldsArgument } from '../net/roomLink.ts';

export function useCommand(link: CommandSender) {
  const busy = useSignal(false);
  const error = useSignal('');
  const refusal = useSignal<CommandError | null>(null);
  async function run<T extends AnyCommandType>(type: T, ...fields: FieldsArgument<T>): Promise<CommandResult<T> | undefined> {
    if (busy.value) return undefined;
    busy.value = true;
    error.value = '';
    refusal.value = null;
    try {
      return await link.command(type, ...fields);
    } catch (e) {
      error.value = (e as Error).message;
      // A refusal is a CommandError (the nack); anything else (a send that threw) reads as one without
      // reason or details. No instanceof: importing the class here would split it into a chunk of
      // its own, bytes on every player's first load.
      refusal.value = e as CommandError;
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, refusal, run };
}
