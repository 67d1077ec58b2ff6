// POST /economy: admin.economy.publish over HTTP, for a document larger than a WebSocket message
// may be (MAX_PAYLOAD_BYTES, 4 KB by default, stays the limit of every socket; a game's economy is
// easily 10-50 KB). The body is the command's fields, `{ id, economy, dryRun? }`, up to
// MAX_ECONOMY_BODY_BYTES (bodyLimits.ts: a larger one is refused 413 as it streams in, never read
// whole); the admin's bearer token authorises it. The replies are the command's: 200 with
// `{ version }` or `{ valid: true }`, or its nack (INVALID_INPUT with every path in `details`)
// under the status of its code.
//
// The publish is not done here but handed to the admin room (server/calls/adminRooms.ts, a room
// call that reaches it in whichever process it runs): the room decides it as the same command
// sent in it, so its idempotency record (the admin writer's: a resent id gets its first reply,
// whichever door it came by), its fenced transaction and its audit line are the command's, not a
// second copy of them kept here.
import { createEndpoint } from '@colyseus/core';
import type { Tokens } from '../auth/tokens.ts';
import { callAdminRoom } from '../calls/adminRooms.ts';
import type { Logger } from '../observability/logger.ts';
import { adminBearer, AUTHORIZATION_HEADER } from './adminBearer.ts';
import { ECONOMY_PUBLISH_PATH } from './bodyLimits.ts';
import { httpError, replyResponse } from './json.ts';

export function economyPublishRoute(tokens: Pick<Tokens, 'verify'>, logger: Pick<Logger, 'warn'>) {
  return {
    economyPublish: createEndpoint(ECONOMY_PUBLISH_PATH, { method: 'POST' }, async (ctx) => {
      const admin = await adminBearer(tokens, ctx.request?.headers.get(AUTHORIZATION_HEADER) ?? null, 'publishing the economy');
      if (admin instanceof Response) return admin;
      const body: unknown = ctx.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return httpError(400, 'INVALID_INPUT', 'the body must be a JSON object { id, economy, dryRun? } sent with content-type application/json');
      }
      try {
        return replyResponse(await callAdminRoom('publishEconomy', admin, body as Record<string, unknown>));
      } catch (error) {
        // The admin room could not be reached or did not answer in time: the publish may or may not
        // be stored, and sending the same id again gets its reply either way.
        logger.warn({ err: error }, 'POST /economy could not reach the admin room');
        return httpError(503, 'UNAVAILABLE', 'the admin room is unavailable; send the same request (the same id) again shortly');
      }
    }),
  };
}
