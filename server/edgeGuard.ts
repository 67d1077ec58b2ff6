// The transport edge: what every HTTP request and WebSocket upgrade passes before any framework code
// sees it, on both transports. Colyseus builds a URL from the Host header, the target (and, on ws,
// X-Forwarded-Proto) first thing, outside any catch, and its route handlers are promises nobody
// awaits: a request it could not read threw, the error escaped as an uncaught exception, and one
// request ended the process. Here a request that cannot be read is refused with 400 INVALID_INPUT
// naming what is wrong (requestTarget.ts), and whatever throws inside a route or upgrade handler is
// caught where it happens: 500 INTERNAL when the response is still open, one error line with the
// method, path and address. Only HTTP requests and upgrades pass here, never WebSocket messages.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import type { ErrorCode } from '../shared/protocol.ts';
import { stampNodeUpgradeQuery, stampUwsUpgradeQuery } from './auth/reconnectGuard.ts';
import { stampNodeRequest, stampUwsRequest } from './http/clientAddress.ts';
import { headerProblem, requestProblem } from './http/requestTarget.ts';
import type { Logger } from './observability/logger.ts';

export type EdgeLogger = Pick<Logger, 'error'>;

type UwsRoute = (res: HttpResponse, req: HttpRequest) => void | Promise<void>;
type UwsUpgrade = (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void | Promise<void>;
/** What a failure is logged with: never the query, which carries tokens (`_authToken`). */
type RequestContext = { method: string; path: string; address: string };

const STATUS_TEXT = { 400: '400 Bad Request', 404: '404 Not Found', 500: '500 Internal Server Error' } as const;

/** httpError's body (server/http/json.ts), as a string: the edge answers before any Response exists,
 *  and uWS must be answered before its handler returns. */
function errorBody(code: ErrorCode, message: string): string {
  return JSON.stringify({ code, message, retryable: false });
}

/** What is wrong with how a uWS request is addressed or with its headers, in one walk. */
export function uwsRequestProblem(req: HttpRequest): string | undefined {
  let problem: string | undefined;
  let hosts = 0;
  req.forEach((name, value) => {
    if (name === 'host') hosts++;
    problem ??= headerProblem(name, value);
  });
  if (problem) return problem;
  // uWS' getHeader reads the first, Colyseus' header walk keeps the last: one Host, or none is read.
  if (hosts > 1) return 'more than one Host header';
  const url = req.getUrl();
  const query = req.getQuery();
  return requestProblem(req.getMethod(), hosts === 1 ? req.getHeader('host') : undefined, query ? `${url}?${query}` : url, req.getHeader('x-forwarded-proto') || undefined);
}

/** The same for Node's HTTP server (its parser has already refused bad header bytes). */
export function nodeRequestProblem(req: IncomingMessage): string | undefined {
  // Node keeps the first Host and drops the rest: refused as on uWS, one Host or none is read.
  if ((req.headersDistinct.host?.length ?? 0) > 1) return 'more than one Host header';
  const proto = req.headers['x-forwarded-proto'];
  return requestProblem(req.method ?? '', req.headers.host, req.url ?? '', (Array.isArray(proto) ? proto.join(', ') : proto) || undefined);
}

/** The edge's own answers close the connection: what follows on it from such a client is not trusted
 *  to be framed right either, and an upgrade's client waits for the close (as ws' refusals do). */
function answerUws(res: HttpResponse, status: keyof typeof STATUS_TEXT, body: string): void {
  res.cork(() => res.writeStatus(STATUS_TEXT[status]).writeHeader('content-type', 'application/json').end(body, true));
}

/**
 * The request whose handling is running, by async context, as the way to fail it. Colyseus' Node
 * request listener starts its route handler's promise without returning it, so no wrapper sees it
 * reject; Node runs the process' 'unhandledRejection' and 'uncaughtException' listeners in the
 * async context of what failed, so processPolicy.ts asks failRequestInFlight() and the failure is
 * answered on its own request. One instance for the process, like the process events it serves.
 */
const inFlight = new AsyncLocalStorage<(error: unknown) => boolean>();

/** Fails the request whose handling raised `error`: true when there was one still open. Work that
 *  merely started during a request (a room it created, a timer) and fails after its answer is not
 *  that request's failure: false. */
export function failRequestInFlight(error: unknown): boolean {
  return inFlight.getStore()?.(error) ?? false;
}

/**
 * A uWS route handler behind the edge: refused when it cannot be read, `admit` next (the body
 * limit), and a throw or rejection inside it answered 500. Colyseus' handlers register onAborted
 * and set `res.aborted` on it; a response that already started is closed rather than answered twice.
 */
export function guardUwsRoute(handler: UwsRoute, logger: EdgeLogger, admit: (res: HttpResponse, req: HttpRequest) => boolean): UwsRoute {
  return (res, req) => {
    const problem = uwsRequestProblem(req);
    if (problem) return answerUws(res, 400, errorBody('INVALID_INPUT', problem));
    const context = { method: req.getMethod().toUpperCase(), path: req.getUrl(), address: stampUwsRequest(res, req) };
    if (!admit(res, req)) return;
    let started = false;
    let ended = false;
    const [writeStatus, end] = [res.writeStatus.bind(res), res.end.bind(res)];
    res.writeStatus = (status) => ((started = true), writeStatus(status));
    res.end = (body, closeConnection) => ((ended = true), end(body, closeConnection));
    const failed = (error: unknown): boolean => {
      if (ended || (res as { aborted?: boolean }).aborted) return false;
      ended = true;
      logger.error({ err: error, ...context }, 'an HTTP request failed inside its handler; answered 500');
      try {
        if (started) res.close();
        else answerUws(res, 500, errorBody('INTERNAL', 'the server failed to answer this request'));
      } catch {
        // uWS refuses any access to a response it has finished: nothing is left to answer.
      }
      return true;
    };
    const unanswered = (): void => {
      if (ended || (res as { aborted?: boolean }).aborted) return;
      ended = true;
      answerUws(res, 404, errorBody('NOT_FOUND', `no route for ${context.method} ${context.path}`));
    };
    inFlight.run(failed, () => {
      try {
        const result = handler(res, req);
        // Colyseus' router returns without answering a path it has no route for: the request
        // would hang until the client gave up, holding its connection. Settled and unanswered is 404.
        if (result instanceof Promise) result.then(() => unanswered(), failed);
      } catch (error) {
        failed(error);
      }
    });
  };
}

/** A uWS upgrade handler behind the edge: the same refusal, and a throw answered 500. */
export function guardUwsUpgrade(upgrade: UwsUpgrade, logger: EdgeLogger): UwsUpgrade {
  return (res, req, socketContext) => {
    const problem = uwsRequestProblem(req);
    if (problem) return answerUws(res, 400, errorBody('INVALID_INPUT', problem));
    const context = { method: 'UPGRADE', path: req.getUrl(), address: stampUwsRequest(res, req) };
    // The query the transport will act on, for the reconnection guard (reconnectGuard.ts).
    stampUwsUpgradeQuery(req);
    try {
      upgrade(res, req, socketContext);
    } catch (error) {
      logger.error({ err: error, ...context }, 'a WebSocket upgrade failed inside its handler; answered 500');
      try {
        answerUws(res, 500, errorBody('INTERNAL', 'the server failed to answer this upgrade'));
      } catch {
        // Answered or aborted already: nothing is left to answer.
      }
    }
  };
}

/**
 * Node's HTTP server (the ws transport) behind the edge. Wraps `emit`, which runs before any
 * listener (Colyseus prepends its router's when it binds): requests and upgrades are stamped with
 * the socket's address (clientAddress.ts), refused when they cannot be read, and the 'request'
 * listeners are called here, in the request's async context (failRequestInFlight).
 */
export function guardNodeServer(server: Server, logger: EdgeLogger, admit: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const emit = server.emit.bind(server) as (event: string | symbol, ...args: unknown[]) => boolean;
  server.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'request') return onRequest(args[0] as IncomingMessage, args[1] as ServerResponse);
    if (event === 'upgrade') return onUpgrade(args[0] as IncomingMessage, args[1] as Duplex, args);
    return emit(event, ...args);
  }) as typeof server.emit;

  function onRequest(req: IncomingMessage, res: ServerResponse): boolean {
    stampNodeRequest(req);
    const problem = nodeRequestProblem(req);
    if (problem) {
      res.writeHead(400, { 'content-type': 'application/json', connection: 'close' }).end(errorBody('INVALID_INPUT', problem));
      return true;
    }
    if (!admit(req, res)) return true;
    const failed = (error: unknown): boolean => {
      if (res.writableEnded || res.destroyed) return false;
      logger.error({ err: error, ...nodeContext(req) }, 'an HTTP request failed inside its handler; answered 500');
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'application/json' }).end(errorBody('INTERNAL', 'the server failed to answer this request'));
      return true;
    };
    const listeners = server.listeners('request');
    inFlight.run(failed, () => {
      for (const listener of listeners) {
        try {
          const result: unknown = listener.call(server, req, res);
          if (result instanceof Promise) result.catch(failed);
        } catch (error) {
          failed(error);
          break;
        }
      }
    });
    return listeners.length > 0;
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, args: unknown[]): boolean {
    stampNodeRequest(req);
    const problem = nodeRequestProblem(req);
    if (problem) return refuseSocket(socket, 400, errorBody('INVALID_INPUT', problem));
    // The query the transport will act on, for the reconnection guard (reconnectGuard.ts).
    stampNodeUpgradeQuery(req);
    try {
      return emit('upgrade', ...args);
    } catch (error) {
      logger.error({ err: error, ...nodeContext(req) }, 'a WebSocket upgrade failed inside its handler; answered 500');
      return refuseSocket(socket, 500, errorBody('INTERNAL', 'the server failed to answer this upgrade'));
    }
  }
}

function nodeContext(req: IncomingMessage): RequestContext {
  const path = (req.url ?? '').split('?')[0]!;
  return { method: req.method ?? '', path, address: req.socket.remoteAddress ?? 'unknown' };
}

/** An answer written on an upgrade's raw socket, which Node's HTTP server no longer looks after. */
function refuseSocket(socket: Duplex, status: keyof typeof STATUS_TEXT, body: string): true {
  // A socket with no 'error' listener turns a reset by the peer into an uncaught exception.
  socket.on('error', () => socket.destroy());
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${STATUS_TEXT[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  } else {
    socket.destroy();
  }
  return true;
}
