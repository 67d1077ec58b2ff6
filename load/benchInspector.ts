// The bench's window into a server process, through the V8 inspector (the server is started with
// NODE_OPTIONS=--inspect=127.0.0.1:<port>; nothing in the server knows): a forced garbage
// collection before memory is read, a heap snapshot summarised by what holds the bytes, and a CPU
// profile of a phase summarised by the functions that spent it.
import { writeFile } from 'node:fs/promises';

type Pending = { resolve: (result: any) => void; reject: (error: Error) => void };

export class Inspector {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, (params: any) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (e) => {
      const message = JSON.parse(String(e.data));
      if (message.id !== undefined) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) pending?.reject(new Error(`inspector: ${message.error.message}`));
        else pending?.resolve(message.result);
      } else this.#listeners.get(message.method)?.(message.params);
    };
  }

  static async connect(port: number): Promise<Inspector> {
    const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`inspector on port ${port} refused the connection`));
    });
    return new Inspector(socket);
  }

  /** Connects, runs `work`, disconnects. */
  static async with<T>(port: number, work: (inspector: Inspector) => Promise<T>): Promise<T> {
    const inspector = await Inspector.connect(port);
    try {
      return await work(inspector);
    } finally {
      inspector.close();
    }
  }

  send<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    // Twice: objects freed by the first collection's finalizers go in the second.
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
  }

  async heapUsedBytes(): Promise<number> {
    const { result } = await this.send<{ result: { value: number } }>('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
    return result.value;
  }

  /** Self bytes and object count per kind of heap object ("Type:constructor or function name"). */
  async heapSummary(): Promise<HeapSummary> {
    const chunks: string[] = [];
    this.#listeners.set('HeapProfiler.addHeapSnapshotChunk', (params: { chunk: string }) => chunks.push(params.chunk));
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    this.#listeners.delete('HeapProfiler.addHeapSnapshotChunk');
    return summarizeSnapshot(JSON.parse(chunks.join('')));
  }

  /** Profiles the server's CPU while `work` runs; writes the .cpuprofile and returns its top functions. */
  async profile<T>(file: string, work: () => Promise<T>): Promise<{ result: T; top: string[] }> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: 200 });
    await this.send('Profiler.start');
    const result = await work();
    const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return { result, top: topFunctions(profile, 20) };
  }

  close(): void {
    this.#socket.close();
  }
}

export type HeapSummary = Map<string, { count: number; bytes: number }>;

type Snapshot = { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };

function summarizeSnapshot(s: Snapshot): HeapSummary {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const summary: HeapSummary = new Map();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]];
    // Strings, numbers and code are grouped by type alone: their "names" are their contents.
    const name = type === 'object' || type === 'closure' || type === 'native' ? `${type}:${s.strings[s.nodes[i + nameAt]]}` : `(${type})`;
    const entry = summary.get(name) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += s.nodes[i + sizeAt];
    summary.set(name, entry);
  }
  return summary;
}

/** What `after` holds more than `before`, per unit of `per` (e.g. per player), largest first. */
export function heapGrowth(before: HeapSummary, after: HeapSummary, per: number, top: number): Array<{ name: string; count: number; bytes: number }> {
  return [...after]
    .map(([name, a]) => ({ name, count: (a.count - (before.get(name)?.count ?? 0)) / per, bytes: (a.bytes - (before.get(name)?.bytes ?? 0)) / per }))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, top);
}

type CpuProfile = { nodes: Array<{ id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[] };

function topFunctions(profile: CpuProfile, top: number): string[] {
  const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|server|shared|schema)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, hits]) => `${((hits * 100) / total).toFixed(1).padStart(5)}% self  ${key}`);
}
