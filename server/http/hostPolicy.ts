// Which names this server answers to. The Origin check trusts the Host header for "the
// server's own origin", so a DNS-rebinding page (attacker.example resolving to this server) sent
// `Host: attacker.example` with a matching Origin and was served. Requests whose Host is not one of
// ours are refused on every route and on the WebSocket upgrade: localhost, 127.0.0.1, [::1], this
// machine's name and interface addresses, PUBLIC_ADDRESS' host, and ALLOWED_HOSTS (`*` = any);
// any port. Every spelling of a loopback address is ours too (127.0.0.2, [::ffff:127.0.0.1],
// `localhost.`): a rebinding page is addressed by the attacker's name, never by a number.
import { hostname, networkInterfaces } from 'node:os';
import { httpError } from './json.ts';
import { hostName } from './requestTarget.ts';

export { hostName };

export type HostPolicy = { allows(host: string | null): boolean; check(request: Request): Response | undefined };

/** 127/8, [::1], and 127/8 mapped into IPv6 (`[::ffff:7f00:1]` is how URL writes [::ffff:127.0.0.1]). */
const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/;

export function ownHostNames(publicAddress: string | undefined): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', hostname().toLowerCase()]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address, family } of addresses ?? []) names.add(family === 'IPv6' ? `[${address.split('%')[0]!.toLowerCase()}]` : address);
  }
  const own = publicAddress ? hostName(publicAddress) : undefined;
  if (own) names.add(own);
  return names;
}

/** Each name as a Host header's hostName() reads it, plus the IPv6-mapped form of an IPv4 address. */
function spellings(names: Iterable<string>): Set<string> {
  const all = new Set<string>();
  for (const name of names) {
    const canonical = hostName(name) ?? name;
    all.add(canonical);
    if (/^\d+\.\d+\.\d+\.\d+$/.test(canonical)) all.add(hostName(`[::ffff:${canonical}]`)!);
  }
  return all;
}

export function hostPolicy(allowed: '*' | string[], publicAddress: string | undefined): HostPolicy {
  const names = spellings([...ownHostNames(publicAddress), ...(allowed === '*' ? [] : allowed)]);
  const allows = (host: string | null) => {
    if (allowed === '*') return true;
    const name = host === null ? undefined : hostName(host);
    return name !== undefined && (names.has(name) || LOOPBACK.test(name));
  };
  return {
    allows,
    check: (request) => {
      const host = request.headers.get('host');
      return allows(host) ? undefined : httpError(403, 'FORBIDDEN', `host ${JSON.stringify(host)} is not a name of this server; add it to ALLOWED_HOSTS`);
    },
  };
}
