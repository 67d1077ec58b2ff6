// GET /health/live, GET /health/ready (one JSON entry per component, 503 when not ready) and
// GET /metrics.
import { createEndpoint } from '@colyseus/core';
import type { Metrics } from '../observability/metrics.ts';
import { json } from './json.ts';

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

export function healthRoutes(checks: Record<string, ReadinessCheck>, metrics: Metrics, isShuttingDown: () => boolean) {
  return {
    live: createEndpoint('/health/live', { method: 'GET' }, async () => json(200, { ok: true })),
    ready: createEndpoint('/health/ready', { method: 'GET' }, async () => {
      const entries = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            return [name, await withTimeout(check(), 2000)] as const;
          } catch (error) {
            return [name, { ok: false, detail: (error as Error).message }] as const;
          }
        }),
      );
      const components = Object.fromEntries(entries);
      if (isShuttingDown()) components.server = { ok: false, detail: 'shutting down' };
      const ok = Object.values(components).every((c) => c.ok);
      return json(ok ? 200 : 503, { ok, components });
    }),
    metrics: createEndpoint('/metrics', { method: 'GET' }, async () => {
      return new Response(await metrics.registry.metrics(), { status: 200, headers: { 'content-type': metrics.registry.contentType } });
    }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
