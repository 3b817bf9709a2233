/**
 * `sluice connect standalone worker.properties [connector.json|connector.properties ...]`: the
 * composition root of a standalone Connect worker. It wires the broker client (an in-process broker
 * when bootstrap.servers is absent or `embedded`), the plugin registry (built-ins and plugin.path),
 * the file-backed stores, the worker, the herder and the REST server, and shuts them down in reverse
 * order on SIGTERM/SIGINT.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { Broker } from '../../broker/broker';
import { KafkaClient } from '../../broker/client/kafka-client';
import { loadCompression } from '../../broker/client/compression';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { ConfigTransformer, WorkerConfig, createConfigProviders, readPropertiesFile } from '../../connect-runtime/config';
import { StandaloneHerder } from '../../connect-runtime/herder/standalone-herder';
import { PluginRegistry, discoverPlugins, registerBuiltinConverters, registerBuiltinTransforms } from '../../connect-runtime/plugins';
import { RestServer } from '../../connect-runtime/rest/rest-server';
import { FileConfigStore } from '../../connect-runtime/storage/file-config-store';
import { FileOffsetStore } from '../../connect-runtime/storage/file-offset-store';
import { Worker } from '../../connect-runtime/worker/worker';
import { plugin as filePlugin } from '../../connectors/file';
import { plugin as postgresPlugin } from '../../connectors/postgres';

const USAGE = 'usage: sluice connect standalone worker.properties [connector.json|connector.properties ...]';

export async function run(args: string[]): Promise<number> {
  const [mode, workerFile, ...connectorFiles] = args;
  if (mode !== 'standalone' || !workerFile) {
    process.stderr.write(`${USAGE}\n${mode === 'distributed' ? 'Distributed mode is not available yet.\n' : ''}`);
    return 1;
  }
  const raw = await readPropertiesFile(workerFile);
  const logger = pino({ name: 'connect', level: raw['log.level'] ?? process.env.SLUICE_LOG_LEVEL ?? 'info' });
  const transformer = new ConfigTransformer(createConfigProviders(raw));
  const resolved = await transformer.transform(raw);
  const config = new WorkerConfig(resolved.data, 'standalone', { sensitiveKeys: resolved.resolvedKeys });
  const worker = await startWorker(config, logger);
  for (const file of connectorFiles) {
    const { name, config: connectorConfig } = await readConnectorFile(file);
    await worker.herder.putConnectorConfig(name, (await transformer.transform(connectorConfig)).data, { allowReplace: true });
    logger.info({ connector: name, file }, 'connector created from file');
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await worker.stop();
  return 0;
}

export interface RunningWorker {
  herder: StandaloneHerder;
  /** The bound REST port (the configured one, or the one picked for port 0). */
  restPort: number;
  /** The embedded broker's Kafka port, or null with an external cluster. */
  brokerPort: number | null;
  stop(): Promise<void>;
}

/** Starts a standalone worker from its configuration; used by `run` and by the integration tests. */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  await loadCompression('all');
  let broker: Broker | null = null;
  let client: KafkaClient;
  if (config.embeddedBroker) {
    broker = await Broker.start({ props: { 'log.dirs': 'data/broker', ...config.brokerConfigs }, logger: logger.child({ component: 'broker' }) });
    client = await KafkaClient.connectEmbedded(broker, { clientId: 'connect-worker' });
  } else {
    client = await KafkaClient.connect({ bootstrapServers: config.bootstrapServers.join(','), clientId: 'connect-worker' });
  }
  const registry = new PluginRegistry();
  registerBuiltinConverters(registry);
  registerBuiltinTransforms(registry);
  registry.registerPlugin(filePlugin, 'builtin');
  registry.registerPlugin(postgresPlugin, 'builtin');
  const discovered = await discoverPlugins(config.pluginPath, registry, logger);
  logger.info({ loaded: discovered.loaded.length, skipped: discovered.skipped.length }, 'plugins discovered');

  const offsetsFile = config.offsetStorageFileFilename as string;
  const offsets = await FileOffsetStore.open(offsetsFile);
  // Beyond Kafka Connect: connectors created over REST are kept next to the offsets and come back after a restart.
  const configStore = await FileConfigStore.open(path.join(path.dirname(path.resolve(offsetsFile)), 'connectors.json'));
  const listener = config.listeners[0];
  const host = config.restAdvertisedHostName ?? (listener?.host || '127.0.0.1');
  let rest: RestServer | null = null;
  const workerId = (): string => `${host}:${config.restAdvertisedPort ?? rest?.port ?? listener?.port ?? 8083}`;

  const embedded = broker;
  const worker = new Worker({ client, registry, config, offsets, logger, brokerTraffic: embedded ? () => embedded.connectionStats.traffic : undefined });
  const herder = new StandaloneHerder({ worker, registry, configStore, offsets, workerId, clusterId: broker?.services.clusterId ?? 'unknown', version: SLUICE_VERSION, logger });
  worker.attach(herder);
  rest = await RestServer.listen({ herder, logger, host: listener?.host ?? '0.0.0.0', port: listener?.port ?? 8083 });
  const server = rest;
  await herder.start();
  logger.info({ rest: `http://${host}:${rest.port}`, embeddedBroker: broker ? `127.0.0.1:${broker.port}` : null }, 'Connect worker started');
  return {
    herder,
    restPort: server.port,
    brokerPort: broker?.port ?? null,
    async stop() {
      await server.close();
      await herder.stop();
      await offsets.close();
      client.close();
      await broker?.stop();
    },
  };
}

/** A connector file: JSON (a flat config map or a `POST /connectors` body) or Java properties. */
async function readConnectorFile(file: string): Promise<{ name: string; config: Record<string, string> }> {
  let config: Record<string, string>;
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.promises.readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`connector file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const body = parsed as { name?: unknown; config?: unknown };
    const map = body && typeof body.config === 'object' && body.config !== null ? { ...(body.config as object), name: body.name } : (parsed as object);
    config = Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
  } else {
    config = await readPropertiesFile(file);
  }
  const name = config['name'];
  if (!name) throw new Error(`connector file ${file} has no "name"`);
  return { name, config };
}
