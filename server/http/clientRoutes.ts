// GET / and GET /assets/:file: the browser client, built by `npm run build:client` into
// client/dist (git-ignored). Files are read on each request so `npm run build:client -- --watch`
// needs no server restart. Only names under client/dist/assets are served: no path walks out of it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEndpoint } from '@colyseus/core';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

async function serveFile(file: string): Promise<Response> {
  const type = CONTENT_TYPES[path.extname(file)];
  if (!type) return notFound();
  try {
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return notFound();
    throw error;
  }
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export function clientRoutes(distDir: string) {
  return {
    clientIndex: createEndpoint('/', { method: 'GET' }, async () => {
      const response = await serveFile(path.join(distDir, 'index.html'));
      if (response.status !== 404) return response;
      return new Response('The browser client is not built: run `npm run build:client` (npm start builds it when missing).', {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }),
    clientAsset: createEndpoint('/assets/:file', { method: 'GET' }, async (ctx) => {
      const file = String(ctx.params.file);
      if (!ASSET_NAME.test(file)) return notFound();
      return serveFile(path.join(distDir, 'assets', file));
    }),
  };
}
