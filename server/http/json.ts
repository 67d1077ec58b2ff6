// JSON responses and errors for the HTTP routes; errors carry the protocol's codes.
import type { ErrorCode, Nack } from '../../shared/protocol.ts';

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function httpError(status: number, code: ErrorCode, message: string): Response {
  return json(status, { code, message, retryable: code === 'UNAVAILABLE' || code === 'RATE_LIMITED' });
}

/** 429 RATE_LIMITED with Retry-After (whole seconds). */
export function rateLimited(retryAfterSeconds: number, message: string): Response {
  const response = httpError(429, 'RATE_LIMITED', `${message}; retry in ${retryAfterSeconds} s`);
  response.headers.set('retry-after', String(retryAfterSeconds));
  return response;
}

/** The HTTP status of a refusal, by its code (docs/PROTOCOL.md "Authentication (HTTP)"). */
const STATUS_OF: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INSUFFICIENT_FUNDS: 409,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  CLIENT_TOO_OLD: 426,
  SERVER_TOO_OLD: 501,
  INTERNAL: 500,
};

/** A command's reply answered over HTTP: 200 with the ack's result, or the nack itself (its
 *  `details` and `reason` too) under the status of its code. */
export function replyResponse(reply: { ack: { result: unknown } } | { nack: Nack }): Response {
  return 'ack' in reply ? json(200, reply.ack.result) : json(STATUS_OF[reply.nack.code], reply.nack);
}
