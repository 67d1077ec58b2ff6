// Who is asking: the address of the TCP peer, or, only when that peer is a configured trusted proxy
// (TRUSTED_PROXIES), the client address the proxy reports in X-Forwarded-For. Colyseus' own
// `context.ip` believes X-Real-IP / X-Forwarded-For from anyone, which would let a client pick its
// own address and walk around per-address limits.
//
// The transports stamp the socket's address on every request and upgrade as PEER_ADDRESS_HEADER
// (server/transport.ts), overwriting whatever a client sent under that name; routes and
// beforeUpgrade read it back here.
import type { IncomingMessage } from 'node:http';

export const PEER_ADDRESS_HEADER = 'x-coffer-peer-address';

/** `0000:…:ffff:7f00:0001` (uWS), `::ffff:127.0.0.1` (Node) and `127.0.0.1` are one address. */
export function normalizeAddress(raw: string): string {
  const text = raw.trim().replace(/^\[|\]$/g, '');
  if (!text.includes(':')) return text;
  let canonical: string;
  try {
    canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return text.toLowerCase();
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return dotted ? dotted[1]! : canonical;
}

/** The client's address for limits and logs; `unknown` when no transport stamped the request. */
export function clientAddress(headers: Headers, trustedProxies: ReadonlySet<string>): string {
  const peer = headers.get(PEER_ADDRESS_HEADER);
  if (!peer) return 'unknown';
  if (!trustedProxies.has(peer)) return peer;
  // The right-most hop that is not one of our proxies is the first one we did not write ourselves.
  const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean).map(normalizeAddress);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}

/** The ws transport's Node server: stamp the socket's address on a request or upgrade. */
export function stampNodeRequest(req: IncomingMessage): void {
  req.headers[PEER_ADDRESS_HEADER] = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
}

type UwsRequest = { forEach(cb: (key: string, value: string) => void): void };
type UwsResponse = { getRemoteAddressAsText(): ArrayBuffer };

/** A uWS request: its header walk (how Colyseus builds the Request) yields the stamped address,
 *  which is returned (for logs). */
export function stampUwsRequest(res: UwsResponse, req: UwsRequest): string {
  const peer = normalizeAddress(Buffer.from(res.getRemoteAddressAsText()).toString());
  const forEach = req.forEach.bind(req);
  req.forEach = (cb) => {
    forEach((key, value) => {
      if (key !== PEER_ADDRESS_HEADER) cb(key, value);
    });
    cb(PEER_ADDRESS_HEADER, peer);
  };
  return peer;
}
