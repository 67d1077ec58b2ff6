// Can the request be read as it is addressed? Colyseus builds `new Request('http://' + Host + target)`
// for every HTTP route (on ws: `X-Forwarded-Proto + '://' + Host + target`) before any of our
// checks run, outside any catch: a Host, scheme or target that does not parse threw where nothing
// caught it, and one unauthenticated request ended the process. The transports (server/edgeGuard.ts)
// ask these pure functions first, on every HTTP request and WebSocket upgrade, and answer 400
// INVALID_INPUT naming what is wrong (docs/PROTOCOL.md, "Hostile input").

/**
 * host[:port] as RFC 9110 allows it and as browsers send it: an ASCII name or IPv4 address, or an
 * IPv6 address in brackets; a port of 1-5 digits. Nothing else: no user info (`@`), path (`/`),
 * query (`?`), fragment (`#`), space, comma, zone id (`%`) or non-ASCII (a browser sends punycode).
 */
const HOST_FORM = /^(?:[a-z0-9._-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

/** origin-form (`/path?query`), visible ASCII only; no fragment, which a client never sends and
 *  which would make a URL parsed from the request disagree with the query the transport acts on. */
const TARGET_FORM = /^\/[!"$-~]*$/;

/** A header name as RFC 9110 spells a token (uWS hands names lowercased). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** Visible ASCII, space, tab and obs-text (0x80-0xFF): what `new Headers()` accepts as a value. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The host name of a Host header value (lowercase, IPv4 canonical, IPv6 in brackets, without a
 *  trailing dot), or undefined when the value is not host[:port] with a port of at most 65535. */
export function hostName(host: string): string | undefined {
  const form = HOST_FORM.exec(host);
  if (!form || (form[1] !== undefined && Number(form[1]) > 65535)) return undefined;
  const url = URL.parse(`http://${host}/`);
  if (!url) return undefined;
  // `localhost.` is `localhost` written as a fully qualified name: the same host.
  return url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
}

/** Methods `new Request()` refuses to build (the Fetch standard's forbidden methods). */
const UNREADABLE_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * What is wrong with how a request is addressed, or undefined when the framework can read it.
 * `host` and `proto` are the Host and X-Forwarded-Proto headers (undefined when absent), `target`
 * the request-target as sent (path and query). Both parsers have already checked the method is a token.
 */
export function requestProblem(method: string, host: string | undefined, target: string, proto: string | undefined): string | undefined {
  if (UNREADABLE_METHODS.has(method.toUpperCase())) return `the method ${quote(method)} is not one this server answers`;
  if (host === undefined) return 'the Host header is missing';
  if (hostName(host) === undefined) return `the Host header ${quote(host)} is not a host name or address with an optional port (at most 65535)`;
  if (proto !== undefined && !/^https?$/i.test(proto)) {
    return `the X-Forwarded-Proto header ${quote(proto)} is not http or https`;
  }
  if (!TARGET_FORM.test(target) || !URL.canParse(`http://localhost${target}`)) {
    return `the request target ${quote(target)} is not a path (/path?query)`;
  }
  return undefined;
}

/** What is wrong with one header, or undefined. Node's parser refuses these itself; uWS passes
 *  them on, and `new Headers()` in Colyseus' route handler throws on them. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return `the header name ${quote(name)} is not a token`;
  if (!HEADER_VALUE.test(value)) return `the header ${quote(name)} holds a character a header cannot hold`;
  return undefined;
}

/** A client's value in an answer: quoted, and short (a header may be kilobytes long). */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}
