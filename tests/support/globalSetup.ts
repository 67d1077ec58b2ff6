// `npm test`'s global setup (node --test-global-setup): containers for PostgreSQL and Redis only
// when a developer has neither (see services.ts). With the services present, as in CI, it returns
// after two TCP connects. The started URLs go into process.env, which the test files inherit.
import { CHROMIUM_PATH, ensureChromium } from './chromium.ts';
import { dockerClient, engineReachable } from './docker.ts';
import { SERVICES, servicesToStart, startServiceContainers, type StartedServices } from './services.ts';

let started: StartedServices | undefined;

export async function globalSetup(): Promise<void> {
  ensureChromium(CHROMIUM_PATH);
  const missing = await servicesToStart(process.env);
  if (missing.length === 0) return;
  const docker = dockerClient();
  if (!(await engineReachable(docker))) {
    console.error(
      `test services: nothing answers for ${missing.map((n) => `${n} (127.0.0.1:${SERVICES[n].port})`).join(' and ')}, ` +
        `${missing.map((n) => SERVICES[n].envVariable).join(' / ')} ${missing.length > 1 ? 'are' : 'is'} unset, and no Docker engine answers. ` +
        'Start PostgreSQL and Redis locally, set those variables, or start Docker so the tests can run them in containers.',
    );
    return;
  }
  started = await startServiceContainers(docker, missing);
  Object.assign(process.env, started.env);
}

export async function globalTeardown(): Promise<void> {
  await started?.stop();
}
