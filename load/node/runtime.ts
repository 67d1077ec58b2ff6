// Runner B's side of LoadRuntime: Node 24's fetch and global WebSocket, metrics kept in memory.
import type { LoadRuntime, LoadSocket, Metric, SocketHandlers } from '../scenario/runtime.ts';

export class NodeRuntime implements LoadRuntime {
  readonly #env: Record<string, string | undefined>;
  /** metric -> tag value ('type' tag, or '' for all) -> samples */
  readonly trends = new Map<string, number[]>();
  readonly trendsByType = new Map<string, number[]>();
  readonly counts = new Map<string, number>();
  readonly rates = new Map<string, { failed: number; total: number }>();
  /** check() outcomes per check name, as k6 keeps them. */
  readonly checks = new Map<string, { passes: number; fails: number }>();
  readonly #log: (message: string) => void;

  constructor(env: Record<string, string | undefined>, log: (message: string) => void = (m) => console.error(m)) {
    this.#env = env;
    this.#log = log;
  }

  async http(method: 'GET' | 'POST', url: string, body: unknown, headers: Record<string, string>) {
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.text() };
  }

  openSocket(url: string, handlers: SocketHandlers): Promise<LoadSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      let open = false;
      socket.onopen = () => {
        open = true;
        resolve({ send: (frame) => socket.send(frame), close: (code) => socket.close(code) });
      };
      socket.onerror = () => {
        if (!open) reject(new Error(`WebSocket to ${url.replace(/\?.*$/, '')} failed`));
      };
      socket.onmessage = (event) => handlers.onMessage(new Uint8Array(event.data as ArrayBuffer));
      socket.onclose = (event) => handlers.onClose(event.code);
    });
  }

  env(name: string): string | undefined {
    return this.#env[name];
  }

  now(): number {
    return performance.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  timer(ms: number, fn: () => void): () => void {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  }

  trend(metric: Metric, value: number, tags?: Record<string, string>): void {
    push(this.trends, metric, value);
    if (tags?.type) push(this.trendsByType, `${metric}\u0000${tags.type}`, value);
  }

  count(metric: Metric): void {
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + 1);
  }

  rate(metric: Metric, failed: boolean): void {
    const r = this.rates.get(metric) ?? { failed: 0, total: 0 };
    r.total += 1;
    if (failed) r.failed += 1;
    this.rates.set(metric, r);
  }

  check(name: string, ok: boolean): boolean {
    const c = this.checks.get(name) ?? { passes: 0, fails: 0 };
    if (ok) c.passes += 1;
    else c.fails += 1;
    this.checks.set(name, c);
    return ok;
  }

  log(message: string): void {
    this.#log(message);
  }
}

function push(map: Map<string, number[]>, key: string, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
