// GET /economy (the version in force) and GET /economy/<version> (any published one): public like
// a price list, so that anyone can check a result or a proof against the tables it was decided
// under (`economyVersion`), offline. Both serve { version, publishedAt, economy }.
import { createEndpoint } from '@colyseus/core';
import type { PublicEconomy, PublishedEconomy } from '../../shared/economy.ts';
import type { EconomyRuntime } from '../economy/runtime.ts';
import { httpError, json } from './json.ts';

const VERSION = /^[1-9][0-9]{0,8}$/;

export function economyRoutes(economy: Pick<EconomyRuntime, 'current' | 'version'>) {
  return {
    economyCurrent: createEndpoint('/economy', { method: 'GET' }, async () => json(200, publicView(economy.current()))),
    economyVersion: createEndpoint('/economy/:version', { method: 'GET' }, async (ctx) => {
      const asked = String(ctx.params.version);
      if (!VERSION.test(asked)) return httpError(400, 'INVALID_INPUT', `version must be a whole number from 1 (got ${JSON.stringify(asked.slice(0, 32))})`);
      const version = Number(asked);
      try {
        const found = await economy.version(version);
        if (!found) return httpError(404, 'NOT_FOUND', `no economy version ${version}; the newest is ${economy.current().version}`);
        return json(200, publicView(found));
      } catch {
        // The database is down: the same answer rooms give (retry later), not a stack trace.
        return httpError(503, 'UNAVAILABLE', 'economy versions are unavailable; try again shortly');
      }
    }),
  };
}

function publicView({ version, publishedAt, economy }: PublishedEconomy): PublicEconomy {
  return { version, publishedAt, economy };
}
