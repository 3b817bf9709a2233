/** `/connectors/...`: Kafka Connect's connector endpoints, answered by the herder. */
import { Router, type Request } from 'express';
import type { Herder } from '../herder/herder';
import { badRequest, RestError } from './rest-errors';
import { connectorName, parseConfigBody, parseCreateBody, parseOffsetsBody, parsePatchBody } from './request-bodies';

function taskNumber(req: Request): number {
  const raw = String(req.params['task']);
  if (!/^\d+$/.test(raw)) throw new RestError(404, `Task ${raw} not found`);
  return Number(raw);
}

/** The new connector's absolute URI, as JAX-RS resolves Kafka's relative one against the request's base. */
function connectorUri(req: Request, connector: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/connectors/${encodeURIComponent(connector)}`;
}

function flag(value: unknown): boolean {
  return String(value ?? 'false').toLowerCase() === 'true';
}

/** `?expand=status&expand=info` may repeat; unknown values are ignored. */
function expansions(query: unknown): Set<string> {
  const values = Array.isArray(query) ? query : query === undefined ? [] : [query];
  return new Set(values.map(String));
}

export function connectorRoutes(herder: Herder): Router {
  const r = Router();
  const name = (req: Request): string => connectorName(String(req.params['connector']));

  r.get('/connectors', async (req, res) => {
    const names = herder.connectors();
    // As Kafka's ConnectorsResource: any `expand` parameter gives the map form, even with only unknown values.
    if (req.query['expand'] === undefined) {
      res.json(names);
      return;
    }
    const expand = expansions(req.query['expand']);
    const out: Record<string, Record<string, unknown>> = {};
    for (const c of names) {
      const entry: Record<string, unknown> = {};
      if (expand.has('status')) entry['status'] = herder.connectorStatus(c);
      if (expand.has('info')) entry['info'] = await herder.connectorInfo(c);
      out[c] = entry;
    }
    res.json(out);
  });

  r.post('/connectors', async (req, res) => {
    const body = parseCreateBody(req.body);
    const c = connectorName(body.name);
    const configName = body.config['name'];
    if (configName !== undefined && configName !== c) {
      throw badRequest(`Connector name configuration (${configName}) doesn't match connector name in the URL (${c})`);
    }
    const { info } = await herder.putConnectorConfig(c, { ...body.config, name: c }, { allowReplace: false, initialState: body.initialState });
    res.status(201).location(connectorUri(req, c)).json(info);
  });

  r.get('/connectors/:connector', async (req, res) => {
    res.json(await herder.connectorInfo(name(req)));
  });

  r.get('/connectors/:connector/config', async (req, res) => {
    res.json(await herder.connectorConfig(name(req)));
  });

  r.put('/connectors/:connector/config', async (req, res) => {
    const c = name(req);
    const config = parseConfigBody(req.body);
    if (config['name'] !== undefined && config['name'] !== c) {
      throw badRequest(`Connector name configuration (${config['name']}) doesn't match connector name in the URL (${c})`);
    }
    const { created, info } = await herder.putConnectorConfig(c, { ...config, name: c }, { allowReplace: true });
    if (created) res.status(201).location(connectorUri(req, c));
    res.json(info);
  });

  r.patch('/connectors/:connector/config', async (req, res) => {
    const c = name(req);
    const patch = parsePatchBody(req.body);
    if (patch['name'] !== undefined && patch['name'] !== c) {
      throw badRequest(`Connector name configuration (${patch['name']}) doesn't match connector name in the URL (${c})`);
    }
    res.json(await herder.patchConnectorConfig(c, patch));
  });

  r.get('/connectors/:connector/status', (req, res) => {
    res.json(herder.connectorStatus(name(req)));
  });

  r.get('/connectors/:connector/tasks', async (req, res) => {
    res.json(await herder.taskConfigs(name(req)));
  });

  r.get('/connectors/:connector/tasks-config', async (req, res) => {
    const c = name(req);
    const out: Record<string, Record<string, string>> = {};
    for (const t of await herder.taskConfigs(c)) out[`${c}-${t.id.task}`] = t.config;
    res.json(out);
  });

  r.get('/connectors/:connector/tasks/:task/status', (req, res) => {
    res.json(herder.taskStatus(name(req), taskNumber(req)));
  });

  r.post('/connectors/:connector/tasks/:task/restart', async (req, res) => {
    await herder.restartTask(name(req), taskNumber(req));
    res.status(204).end();
  });

  r.post('/connectors/:connector/restart', async (req, res) => {
    const status = await herder.restartConnector(name(req), { includeTasks: flag(req.query['includeTasks']), onlyFailed: flag(req.query['onlyFailed']) });
    if (status === null) res.status(204).end();
    else res.status(202).json(status);
  });

  r.put('/connectors/:connector/pause', async (req, res) => {
    await herder.pauseConnector(name(req));
    res.status(202).end();
  });

  r.put('/connectors/:connector/resume', async (req, res) => {
    await herder.resumeConnector(name(req));
    res.status(202).end();
  });

  r.put('/connectors/:connector/stop', async (req, res) => {
    await herder.stopConnector(name(req));
    res.status(204).end();
  });

  r.delete('/connectors/:connector', async (req, res) => {
    await herder.deleteConnector(name(req));
    res.status(204).end();
  });

  // As Kafka's ConnectorsResource: the worker's topic tracking settings are checked before the connector.
  r.get('/connectors/:connector/topics', (req, res) => {
    if (!herder.topicTracking().enabled) throw new RestError(403, 'Topic tracking is disabled.');
    const c = name(req);
    res.json({ [c]: { topics: herder.connectorTopics(c) } });
  });

  r.put('/connectors/:connector/topics/reset', (req, res) => {
    const tracking = herder.topicTracking();
    if (!tracking.enabled) throw new RestError(403, 'Topic tracking is disabled.');
    if (!tracking.allowReset) throw new RestError(403, 'Topic tracking reset is disabled.');
    herder.resetConnectorTopics(name(req));
    res.status(202).end();
  });

  r.get('/connectors/:connector/offsets', async (req, res) => {
    res.json({ offsets: await herder.connectorOffsets(name(req)) });
  });

  r.patch('/connectors/:connector/offsets', async (req, res) => {
    const c = name(req);
    res.json({ message: await herder.alterConnectorOffsets(c, parseOffsetsBody(req.body)) });
  });

  r.delete('/connectors/:connector/offsets', async (req, res) => {
    res.json({ message: await herder.resetConnectorOffsets(name(req)) });
  });

  return r;
}
