/** `/`, `/health`, `/metrics` and `/admin/loggers`: the worker itself rather than its connectors. */
import { Router } from 'express';
import type { Herder } from '../herder/herder';
import { badRequest } from './rest-errors';

const HEALTH_STATUS = { healthy: 200, starting: 503, unhealthy: 500 } as const;

export function workerRoutes(herder: Herder): Router {
  const r = Router();

  r.get('/', (_req, res) => {
    res.json(herder.serverInfo());
  });

  r.get('/health', (_req, res) => {
    const health = herder.health();
    res.status(HEALTH_STATUS[health.status]).json(health);
  });

  r.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(herder.metrics());
  });

  r.get('/admin/loggers', (_req, res) => {
    res.json(herder.loggers());
  });

  r.get('/admin/loggers/:logger', (req, res) => {
    res.json(herder.logger(String(req.params['logger'])));
  });

  // ?scope=worker (the default; an unknown scope counts as worker, as in Kafka) answers the affected
  // loggers; ?scope=cluster (KIP-976) answers 204.
  r.put('/admin/loggers/:logger', (req, res) => {
    const level = (req.body as { level?: unknown } | undefined)?.level;
    if (typeof level !== 'string' || level === '') throw badRequest("Desired 'level' parameter was not specified in request.");
    const logger = String(req.params['logger']);
    if (String(req.query['scope'] ?? 'worker').toLowerCase() === 'cluster') {
      herder.setClusterLoggerLevel(logger, level);
      res.status(204).end();
      return;
    }
    res.json(herder.setLoggerLevel(logger, level));
  });

  return r;
}
