// JSON responses and errors for the HTTP routes; errors carry the protocol's codes.
import type { ErrorCode } from '../../shared/protocol.ts';

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
