// Reconnections skip onAuth: Colyseus fills a seat it kept for a dropped client (allowReconnection)
// from the reconnection token alone. Every room judges the socket taking such a seat by the token it
// presents (server/rooms/seatCheck.ts); this guard refuses, before the upgrade, a reconnection whose
// token is not valid at all (HTTP 401/403 rather than a socket closed after it opened).
//
// It must read the query the transport acts on. Colyseus hands beforeUpgrade a Request built from
// `'http://' + Host + target`: a Host ending in `#` turned the query into a fragment, so the guard
// saw no reconnection while the transport (which parses the target itself) reconnected. So each
// transport stamps the query it parses on the upgrade's headers (server/transport.ts), and the
// token is the one the transport passes the room (`context.token`).
import type { IncomingMessage } from 'node:http';
import { parse as parseQuerystring } from 'node:querystring';
import { httpError } from '../http/json.ts';
import { SessionRefused, SessionUnknown } from './sessions.ts';
import type { Tokens } from './tokens.ts';

/** The upgrade's query as the transport parses it (base64url), or UNREADABLE_QUERY; set by the transport only. */
export const UPGRADE_QUERY_HEADER = 'x-coffer-upgrade-query';
const UNREADABLE_QUERY = '!';

/** What Colyseus passes beforeUpgrade with the Request: the token the transport read from the query. */
export type UpgradeContext = { token?: unknown };

export function reconnectGuard(tokens: Tokens): (request: Request, context?: UpgradeContext) => Promise<Response | undefined> {
  return async (request, context) => {
    const query = upgradeQuery(request);
    if (query === undefined) return httpError(400, 'INVALID_INPUT', 'the upgrade target could not be read');
    if (!namesReconnection(query)) return undefined;
    const token = context ? context.token : new URLSearchParams(query).get('_authToken');
    try {
      if (typeof token !== 'string') throw new Error('no token');
      await tokens.verify(token);
      return undefined;
    } catch (error) {
      if (error instanceof SessionRefused) return httpError(error.code === 'FORBIDDEN' ? 403 : 401, error.code, error.message);
      if (error instanceof SessionUnknown) return httpError(503, 'UNAVAILABLE', 'storage is unavailable; try again shortly');
      return httpError(401, 'UNAUTHORIZED', 'a reconnection needs a valid token; sign in again');
    }
  };
}

/**
 * The stamped query; without a stamp (a transport that does not stamp, a test calling the guard
 * directly) the Request's own. Undefined when the transport could not parse the target.
 */
function upgradeQuery(request: Request): string | undefined {
  const stamped = request.headers.get(UPGRADE_QUERY_HEADER);
  if (stamped === null) return new URL(request.url).search.slice(1);
  if (stamped === UNREADABLE_QUERY) return undefined;
  return Buffer.from(stamped, 'base64url').toString();
}

/** uWS parses with node:querystring (at most 1000 keys), ws with URLSearchParams: either one seeing the key counts. */
function namesReconnection(query: string): boolean {
  return new URLSearchParams(query).has('reconnectionToken') || parseQuerystring(query).reconnectionToken !== undefined;
}

/** uWS: the query its upgrade handler parses (req.getQuery()), added to the header walk Colyseus makes. */
export function stampUwsUpgradeQuery(req: { getQuery(): string | undefined; forEach(cb: (key: string, value: string) => void): void }): void {
  const stamp = Buffer.from(req.getQuery() ?? '').toString('base64url');
  const forEach = req.forEach.bind(req);
  req.forEach = (cb) => {
    forEach((key, value) => {
      if (key !== UPGRADE_QUERY_HEADER) cb(key, value);
    });
    cb(UPGRADE_QUERY_HEADER, stamp);
  };
}

/** ws: the query of the URL it parses (`new URL('ws://server' + req.url)`), or UNREADABLE_QUERY. */
export function stampNodeUpgradeQuery(req: IncomingMessage): void {
  let stamp = UNREADABLE_QUERY;
  try {
    stamp = Buffer.from(new URL(`ws://server${req.url ?? '/'}`).search.slice(1)).toString('base64url');
  } catch {
    // A target the transport cannot parse either: the guard refuses it (400).
  }
  req.headers[UPGRADE_QUERY_HEADER] = stamp;
}
