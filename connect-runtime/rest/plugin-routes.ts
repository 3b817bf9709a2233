/** `/connector-plugins/...`: the installed plugins, their config definitions, and config validation. */
import { Router } from 'express';
import type { Herder } from '../herder/herder';
import { parseConfigBody } from './request-bodies';

export function pluginRoutes(herder: Herder): Router {
  const r = Router();

  r.get('/connector-plugins', (req, res) => {
    const connectorsOnly = String(req.query['connectorsOnly'] ?? 'true').toLowerCase() !== 'false';
    res.json(herder.plugins(connectorsOnly));
  });

  r.get('/connector-plugins/:plugin/config', (req, res) => {
    res.json(herder.pluginConfig(String(req.params['plugin'])));
  });

  r.put('/connector-plugins/:plugin/config/validate', async (req, res) => {
    res.json(await herder.validateConnectorConfig(parseConfigBody(req.body), String(req.params['plugin'])));
  });

  return r;
}
