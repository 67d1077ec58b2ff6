// Which names this server answers to (issue 16). The Origin check trusts the Host header for "the
// server's own origin", so a DNS-rebinding page (attacker.example resolving to this server) sent
// `Host: attacker.example` with a matching Origin and was served. Requests whose Host is not one of
// ours are refused on every route and on the WebSocket upgrade: localhost, 127.0.0.1, [::1], this
// machine's name and interface addresses, PUBLIC_ADDRESS' host, and ALLOWED_HOSTS (`*` = any);
// any port.
import { hostname, networkInterfaces } from 'node:os';
import { httpError } from './json.ts';

export type HostPolicy = { allows(host: string | null): boolean; check(request: Request): Response | undefined };

/** The host name of a Host header value (lowercase, IPv6 in brackets), or undefined. */
export function hostName(host: string): string | undefined {
  if (!URL.canParse(`http://${host}/`)) return undefined;
  const url = new URL(`http://${host}/`);
  // Only host[:port]: a Host with user info or a path is not a Host.
  return url.username || url.password || url.pathname !== '/' || url.search ? undefined : url.hostname;
}

export function ownHostNames(publicAddress: string | undefined): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', hostname().toLowerCase()]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address, family } of addresses ?? []) names.add(family === 'IPv6' ? `[${address.split('%')[0]!.toLowerCase()}]` : address);
  }
  const own = publicAddress ? hostName(publicAddress) : undefined;
  if (own) names.add(own);
  return names;
}

export function hostPolicy(allowed: '*' | string[], publicAddress: string | undefined): HostPolicy {
  const names = new Set([...ownHostNames(publicAddress), ...(allowed === '*' ? [] : allowed)]);
  const allows = (host: string | null) => {
    if (allowed === '*') return true;
    const name = host === null ? undefined : hostName(host);
    return name !== undefined && names.has(name);
  };
  return {
    allows,
    check: (request) => {
      const host = request.headers.get('host');
      return allows(host) ? undefined : httpError(403, 'FORBIDDEN', `host ${JSON.stringify(host)} is not a name of this server; add it to ALLOWED_HOSTS`);
    },
  };
}
