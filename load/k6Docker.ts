// Runs a k6 bundle in the grafana/k6 container through dockerode, for machines with Docker but
// no k6: host networking (BASE_URL means the same as on the host), load/ mounted read-only at
// /scripts (as in compose.yaml's `load` profile), the results directory mounted writable.
import path from 'node:path';
import type Docker from 'dockerode';
import { ensureImage, type Log } from '../tests/support/docker.ts';
import { OPTION_VARIABLES } from './scenario/options.ts';

/** Pinned; compose.yaml's k6 service uses the same tag. */
export const K6_IMAGE = 'grafana/k6:0.54.0';

export type K6ContainerRun = {
  loadDir: string;
  resultsDir: string;
  scenario: string;
  /** The summary file's name inside resultsDir. */
  summaryName: string;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  log: Log;
};

/** The container's create options (exported for the test that checks them). */
export function k6ContainerOptions(run: K6ContainerRun): Docker.ContainerCreateOptions {
  const env = OPTION_VARIABLES.filter((name) => name !== 'SUMMARY_FILE' && run.env[name] !== undefined).map((name) => `${name}=${run.env[name]}`);
  env.push(`SUMMARY_FILE=/results/${run.summaryName}`);
  return {
    Image: K6_IMAGE,
    Cmd: ['run', `/scripts/dist/${run.scenario}.js`],
    Env: env,
    // The image runs as its own user; write the summary as ours so it lands in load/results readable.
    User: process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined,
    HostConfig: {
      NetworkMode: 'host',
      Binds: [`${path.resolve(run.loadDir)}:/scripts:ro`, `${path.resolve(run.resultsDir)}:/results`],
    },
    Labels: { 'coffer.load': run.scenario },
  };
}

/** Pulls the image if needed, runs k6 to the end with its output streamed, removes the container. */
export async function runK6InDocker(docker: Docker, run: K6ContainerRun): Promise<number> {
  await ensureImage(docker, K6_IMAGE, run.log);
  const container = await docker.createContainer(k6ContainerOptions(run));
  try {
    await container.start();
    const logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    const ended = new Promise<void>((resolve) => {
      logs.on('end', () => resolve());
      logs.on('close', () => resolve());
    });
    docker.modem.demuxStream(logs, run.stdout, run.stderr);
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await ended;
    return StatusCode;
  } finally {
    await container.remove({ force: true }).catch((error: unknown) => run.log(`could not remove the k6 container: ${String(error)}`));
  }
}
