// The few k6 APIs the bundles use (k6 v0.54+, see load/README.md), declared here instead of pulling in @types/k6.
// These modules exist only inside k6; esbuild leaves their imports as they are.
declare module 'k6' {
  export function sleep(seconds: number): void;
  /** Runs each named test on `value`; books each in the built-in `checks` rate; true when all passed. */
  export function check<T>(value: T, sets: Record<string, (value: T) => boolean>, tags?: Record<string, string>): boolean;
}

declare module 'k6/http' {
  export type Params = { headers?: Record<string, string>; tags?: Record<string, string>; timeout?: string };
  export type Response = { status: number; body: string | ArrayBuffer | null; error: string };
  const http: {
    asyncRequest(method: string, url: string, body?: string | null, params?: Params): Promise<Response>;
    post(url: string, body?: string | null, params?: Params): Response;
  };
  export default http;
}

declare module 'k6/experimental/websockets' {
  export class WebSocket {
    constructor(url: string, protocols?: string | string[] | null, params?: Record<string, unknown>);
    binaryType: 'blob' | 'arraybuffer';
    readonly readyState: number;
    onopen: (() => void) | null;
    onmessage: ((event: { data: ArrayBuffer | string }) => void) | null;
    onerror: ((event: { error?: string }) => void) | null;
    onclose: ((event?: { code?: number }) => void) | null;
    send(data: string | ArrayBuffer): void;
    close(code?: number): void;
  }
}

declare module 'k6/metrics' {
  export class Trend {
    constructor(name: string, isTime?: boolean);
    add(value: number, tags?: Record<string, string>): void;
  }
  export class Counter {
    constructor(name: string);
    add(value: number, tags?: Record<string, string>): void;
  }
  export class Rate {
    constructor(name: string);
    add(value: boolean | number, tags?: Record<string, string>): void;
  }
}

/** k6's environment variables (`-e NAME=value` or the process environment). */
declare const __ENV: Record<string, string | undefined>;
/** The current VU's number (1-based, across all scenarios). */
declare const __VU: number;
