/**
 * The worker's REST API (express), with Kafka Connect's paths, status codes and JSON shapes. Bodies
 * must be JSON (415 otherwise), well formed (400) and within `maxBodyBytes` (413).
 */
import http from 'node:http';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { Herder } from '../herder/herder';
import { connectorRoutes } from './connector-routes';
import { pluginRoutes } from './plugin-routes';
import { errorHandler, RestError, sendError } from './rest-errors';
import { workerRoutes } from './worker-routes';

export interface RestServerOptions {
  herder: Herder;
  logger: Logger;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function createRestApp(opts: RestServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, _res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (BODY_METHODS.has(req.method) && hasBody && !req.is('application/json')) {
      next(new RestError(415, `Unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/json`));
      return;
    }
    next();
  });
  app.use(express.json({ limit: opts.maxBodyBytes ?? 1024 * 1024, strict: false }));
  const routers = [workerRoutes(opts.herder), connectorRoutes(opts.herder), pluginRoutes(opts.herder)];
  for (const router of routers) app.use(router);
  app.use((req, res) => {
    // As Jersey answers: a known path with another method is 405, an unknown path 404.
    if (routers.some((router) => servesPath(router, req.path))) sendError(res, 405, 'HTTP 405 Method Not Allowed');
    else sendError(res, 404, `HTTP ${req.method} ${req.path} is not an endpoint of this API`);
  });
  app.use(errorHandler((err) => opts.logger.error({ err }, 'REST request failed')));
  return app;
}

/** Router internals (the `router` package behind express 5): each layer can match a path and has its route. */
interface RouteLayer {
  match(path: string): boolean;
  route?: unknown;
}

/** Whether some route of `router` matches `path`, whatever its method. */
function servesPath(router: Router, path: string): boolean {
  const stack = (router as unknown as { stack?: RouteLayer[] }).stack ?? [];
  return stack.some((layer) => layer.route !== undefined && layer.match(path));
}

export class RestServer {
  private constructor(private readonly server: http.Server) {}

  static async listen(opts: RestServerOptions & { host: string; port: number }): Promise<RestServer> {
    const server = http.createServer(createRestApp(opts));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new RestServer(server);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
