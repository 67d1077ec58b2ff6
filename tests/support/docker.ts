// Docker Engine access shared by the test-service harness (services.ts) and the k6 container
// runner (load/k6Docker.ts): one dockerode client that honours DOCKER_HOST, a bounded ping, and
// an image pull only when the image is missing.
import Docker from 'dockerode';

export type Log = (message: string) => void;

/** A client for DOCKER_HOST, or the platform's default socket. */
export function dockerClient(): Docker {
  return new Docker();
}

/** True when a Docker Engine answers `/_ping` within `timeoutMs`. */
export async function engineReachable(docker: Docker, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([docker.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls `image` (a pinned `name:tag`) unless the engine already has it. */
export async function ensureImage(docker: Docker, image: string, log: Log): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  log(`pulling ${image}`);
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error ?? output.find((o) => o.error);
      if (failed) reject(new Error(`pulling ${image} failed: ${failed instanceof Error ? failed.message : failed.error}`));
      else resolve();
    });
  });
}
