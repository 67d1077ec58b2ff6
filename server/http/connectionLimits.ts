// Open WebSockets per client address: without a bound one machine could hold any number
// of sockets (each costs memory and a share of every broadcast). The upgrade is refused with 429
// RATE_LIMITED once `max` sockets of that address are open in this process; the transports count
// opens and closes (server/transport.ts). The address is clientAddress.ts': the socket's, or what a
// trusted proxy reports.
import { clientAddress } from './clientAddress.ts';
import { rateLimited } from './json.ts';

export class ConnectionLimits {
  readonly #max: number;
  readonly #trustedProxies: ReadonlySet<string>;
  readonly #open = new Map<string, number>();

  constructor(max: number, trustedProxies: ReadonlySet<string>) {
    this.#max = max;
    this.#trustedProxies = trustedProxies;
  }

  addressOf(headers: Headers): string {
    return clientAddress(headers, this.#trustedProxies);
  }

  /** Before an upgrade: the 429 to send, or undefined. */
  check(request: Request): Response | undefined {
    const open = this.#open.get(this.addressOf(request.headers)) ?? 0;
    return open < this.#max ? undefined : rateLimited(5, `at most ${this.#max} open WebSockets per address`);
  }

  /** A socket opened (its upgrade's headers); returns the address to hand back to closed(). */
  opened(headers: Headers): string {
    const address = this.addressOf(headers);
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
    return address;
  }

  closed(address: string): void {
    const open = (this.#open.get(address) ?? 1) - 1;
    if (open <= 0) this.#open.delete(address);
    else this.#open.set(address, open);
  }
}
