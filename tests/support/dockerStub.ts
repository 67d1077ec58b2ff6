// A stand-in for the Docker Engine API on a Unix socket, for testing our dockerode code where no
// Docker engine runs (our build and CI machines). It implements only the endpoints that code
// calls, keeps images and containers in memory, and records every request. Containers with a
// healthcheck report `starting` on their first inspection and `healthy` after; host ports are
// made up. It runs nothing: a test against it checks what we ask the engine, not the services.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type StubRequest = { method: string; path: string; query: Record<string, string>; body: any };
export type StubContainer = { id: string; name: string; config: any; running: boolean; inspections: number; removed: boolean; hostPorts: Record<string, string> };

export type DockerStub = {
  socketPath: string;
  requests: StubRequest[];
  images: Set<string>;
  containers: Map<string, StubContainer>;
  /** Output the next started container's logs return, and its exit code on /wait. */
  nextRun: { logs: string; exitCode: number };
  /** When set, containers exit (code 1) right after they start, as a broken image would. */
  exitOnStart: boolean;
  close(): Promise<void>;
};

export async function startDockerStub(opts: { images?: string[] } = {}): Promise<DockerStub> {
  const dir = await mkdtemp(path.join(tmpdir(), 'coffer-docker-stub-'));
  const socketPath = path.join(dir, 'docker.sock');
  let nextPort = 49_000;
  let nextId = 1;
  const stub: DockerStub = {
    socketPath,
    requests: [],
    images: new Set(opts.images ?? []),
    containers: new Map(),
    nextRun: { logs: '', exitCode: 0 },
    exitOnStart: false,
    close: async () => {
      server.close();
      await once(server, 'close');
      await rm(dir, { recursive: true, force: true });
    },
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, what: string) => json(res, 404, { message: `No such ${what}` });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    // dockerode may prefix a version (/v1.47/...); the stub answers any.
    const route = url.pathname.replace(/^\/v[\d.]+/, '');
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    stub.requests.push({ method: req.method ?? 'GET', path: route, query: Object.fromEntries(url.searchParams), body });

    let m: RegExpExecArray | null;
    if (req.method === 'GET' && route === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('OK');
    }
    if (req.method === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(route))) {
      const image = decodeURIComponent(m[1]);
      return stub.images.has(image) ? json(res, 200, { Id: `sha256:${image}`, RepoTags: [image] }) : notFound(res, `image: ${image}`);
    }
    if (req.method === 'POST' && route === '/images/create') {
      const image = `${url.searchParams.get('fromImage')}:${url.searchParams.get('tag') ?? 'latest'}`;
      stub.images.add(image);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify({ status: `Pulling from library/${image}` }) + '\n');
      return res.end(JSON.stringify({ status: `Downloaded newer image for ${image}` }) + '\n');
    }
    if (req.method === 'POST' && route === '/containers/create') {
      if (!stub.images.has(body.Image)) return notFound(res, `image: ${body.Image}`);
      const id = `stub${String(nextId++).padStart(60, '0')}`;
      const hostPorts: Record<string, string> = {};
      for (const port of Object.keys(body.HostConfig?.PortBindings ?? {})) hostPorts[port] = String(nextPort++);
      stub.containers.set(id, { id, name: url.searchParams.get('name') ?? '', config: body, running: false, inspections: 0, removed: false, hostPorts });
      return json(res, 201, { Id: id, Warnings: [] });
    }
    if ((m = /^\/containers\/([^/]+)(\/[a-z]+)?$/.exec(route))) {
      const container = stub.containers.get(m[1]);
      if (!container || container.removed) return notFound(res, `container: ${m[1]}`);
      const action = `${req.method} ${m[2] ?? ''}`;
      switch (action) {
        case 'POST /start':
          container.running = !stub.exitOnStart;
          res.writeHead(204);
          return res.end();
        case 'GET /json': {
          container.inspections += 1;
          const health = container.config.Healthcheck ? { Status: container.inspections > 1 ? 'healthy' : 'starting' } : undefined;
          return json(res, 200, {
            Id: container.id,
            Name: `/${container.name}`,
            State: { Status: container.running ? 'running' : stub.exitOnStart ? 'exited' : 'created', Running: container.running, ExitCode: stub.exitOnStart ? 1 : 0, Health: health },
            NetworkSettings: { Ports: Object.fromEntries(Object.entries(container.hostPorts).map(([p, hostPort]) => [p, [{ HostIp: '127.0.0.1', HostPort: hostPort }]])) },
          });
        }
        case 'GET /logs': {
          // Multiplexed stream: 8-byte header (stream 1 = stdout, size) per frame.
          const payload = Buffer.from(stub.nextRun.logs);
          const header = Buffer.alloc(8);
          header[0] = 1;
          header.writeUInt32BE(payload.length, 4);
          res.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
          return res.end(payload.length ? Buffer.concat([header, payload]) : undefined);
        }
        case 'POST /wait':
          container.running = false;
          return json(res, 200, { StatusCode: stub.nextRun.exitCode });
        case 'DELETE ':
          container.removed = true;
          container.running = false;
          res.writeHead(204);
          return res.end();
      }
    }
    json(res, 501, { message: `the Docker stub does not implement ${req.method} ${route}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  server.listen(socketPath);
  await once(server, 'listening');
  return stub;
}
