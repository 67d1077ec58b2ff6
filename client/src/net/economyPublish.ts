// admin.economy.publish over HTTP (POST /economy, docs/PROTOCOL.md "Authentication (HTTP)"): a game's
// economy document is larger than one WebSocket message may be (MAX_PAYLOAD_BYTES), so the editor
// checks and publishes through this route; every other command goes to the admin room. The route
// answers as the command does (the ack's result, or the nack with its `details`), and a publish
// that cannot be answered (offline, UNAVAILABLE) is sent again with its id, as a room command is.
import { AdminCommandType } from '../../../shared/commandNames.ts';
import type { Nack } from '../../../shared/protocol.ts';
import { CommandError } from './commandError.ts';
import { newCommandId } from './commandId.ts';
import type { CommandSender } from './roomLink.ts';

export const ECONOMY_PUBLISH_PATH = '/economy';
/** Tries of one publish (its id kept) while the server is unreachable or says UNAVAILABLE. */
const TRIES = 3;
const RETRY_AFTER_MS = 1000;

/** `admin` for every command but admin.economy.publish, which goes over HTTP with the admin's `token`. */
export function publishingOverHttp(admin: CommandSender, token: () => string, baseUrl = ''): CommandSender {
  return {
    command(type, ...fields) {
      if (type !== AdminCommandType.economyPublish) return admin.command(type, ...fields);
      return postPublish(`${baseUrl}${ECONOMY_PUBLISH_PATH}`, token(), (fields[0] ?? {}) as Record<string, unknown>) as never;
    },
  };
}

async function postPublish(url: string, token: string, fields: Record<string, unknown>): Promise<unknown> {
  const body = JSON.stringify({ id: newCommandId(), ...fields });
  for (let attempt = 1; ; attempt++) {
    const failure = await attemptPublish(url, token, body);
    if (!('error' in failure)) return failure.result;
    if (!failure.error.retryable || attempt >= TRIES) throw failure.error;
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
  }
}

async function attemptPublish(url: string, token: string, body: string): Promise<{ result: unknown } | { error: CommandError }> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  } catch {
    return { error: new CommandError({ code: 'UNAVAILABLE', message: 'The server cannot be reached; check your connection and try again.', retryable: true }) };
  }
  // A body that is not JSON (a proxy's error page) is no reply of ours: undefined here, and the
  // status alone says what failed below. The request itself failing is UNAVAILABLE, above.
  const data = (await response.json().catch(() => undefined)) as (Partial<Nack> & Record<string, unknown>) | undefined;
  if (response.ok) return { result: data };
  if (data && typeof data.code === 'string' && typeof data.message === 'string') return { error: new CommandError(data as Nack) };
  return { error: new CommandError({ code: response.status === 413 ? 'INVALID_INPUT' : 'INTERNAL', message: `publishing the economy failed (HTTP ${response.status})`, retryable: false }) };
}
