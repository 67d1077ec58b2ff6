// Runner A's side of LoadRuntime: k6's HTTP client, its WebSocket (k6/experimental/websockets,
// in k6 since v0.40 and still there, deprecated, after k6/websockets graduated) and its metrics.
// Only k6 modules and plain ECMAScript here: the bundle runs in k6's JavaScript VM, not in Node.
import { check as k6Check, sleep as blockingSleep } from 'k6';
import http from 'k6/http';
import { WebSocket } from 'k6/experimental/websockets';
import { Counter, Rate, Trend } from 'k6/metrics';
import { COUNTERS, Metric, type LoadRuntime, type LoadSocket, type SocketHandlers } from '../scenario/runtime.ts';

// k6 creates custom metrics in the init context only, so all of them exist up front.
const trends: Partial<Record<Metric, Trend>> = { [Metric.ackLatency]: new Trend(Metric.ackLatency, true), [Metric.joinLatency]: new Trend(Metric.joinLatency, true) };
const counters: Partial<Record<Metric, Counter>> = Object.fromEntries(COUNTERS.map((name) => [name, new Counter(name)]));
const rates: Partial<Record<Metric, Rate>> = { [Metric.errors]: new Rate(Metric.errors) };

/**
 * Adds 0 to every counter. k6 leaves a metric without samples out of its end-of-test data and
 * does not evaluate its thresholds, so `coffer_acks: count>=N` would pass a run that did nothing;
 * with a 0 sample the counter exists (its count unchanged) and the threshold is judged.
 */
export function touchCounters(): void {
  for (const counter of Object.values(counters)) counter?.add(0);
}

// Timers are globals from k6 v0.50 on, so in every k6 the kit supports (v0.54+). They are read
// through globalThis all the same: without them the runtime would block the VU to sleep and give
// up on reply timeouts rather than fail to load.
type Timers = { setTimeout?: (fn: () => void, ms: number) => unknown; clearTimeout?: (handle: unknown) => void };
const timers = globalThis as unknown as Timers;

function toArrayBuffer(frame: Uint8Array): ArrayBuffer {
  return frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
}

export const k6Runtime: LoadRuntime = {
  async http(method, url, body, headers) {
    const res = await http.asyncRequest(method, url, body === undefined ? null : JSON.stringify(body), { headers });
    return { status: res.status, body: typeof res.body === 'string' ? res.body : '' };
  },

  openSocket(url: string, handlers: SocketHandlers): Promise<LoadSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      let open = false;
      socket.onopen = () => {
        open = true;
        resolve({ send: (frame) => socket.send(toArrayBuffer(frame)), close: (code) => socket.close(code) });
      };
      socket.onerror = (event) => {
        if (!open) reject(new Error(`WebSocket to ${url.replace(/\?.*$/, '')} failed${event?.error ? `: ${event.error}` : ''}`));
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') handlers.onMessage(new Uint8Array(event.data));
      };
      socket.onclose = (event) => handlers.onClose(event?.code ?? 1006);
    });
  },

  env: (name) => __ENV[name],
  now: () => Date.now(),

  sleep(ms) {
    if (timers.setTimeout) return new Promise((resolve) => timers.setTimeout!(resolve, ms));
    blockingSleep(ms / 1000);
    return Promise.resolve();
  },

  timer(ms, fn) {
    if (!timers.setTimeout) return () => {};
    const handle = timers.setTimeout(fn, ms);
    return () => timers.clearTimeout!(handle);
  },

  trend: (metric, value, tags) => trends[metric]?.add(value, tags),
  count: (metric, tags) => counters[metric]?.add(1, tags),
  rate: (metric, failed, tags) => rates[metric]?.add(failed, tags),
  // k6 books the outcome in its `checks` rate under the check's name.
  check: (name, ok, tags) => k6Check(ok, { [name]: (passed) => passed === true }, tags),
  log: (message) => console.warn(message),
};
