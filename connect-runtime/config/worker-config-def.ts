/**
 * The worker's configuration spec (Kafka's WorkerConfig, RestServerConfig, StandaloneConfig and DistributedConfig),
 * with Kafka's names and defaults except where Sluice differs:
 *   - `bootstrap.servers` defaults to `embedded`: a broker inside the worker process (configured by `broker.*`);
 *     an absent or empty value means the same;
 *   - `listeners` defaults to `http://127.0.0.1:8083` (DESIGN §1), Kafka's `http://:8083` binds every interface.
 */
import { ConfigDef } from '../api/config-def';
import { NO_DEFAULT } from '../api/config-types';
import { CompositeValidator, LambdaValidator, NonEmptyString, NonNullValidator, Range, ValidString } from '../api/config-validators';
import { ConfigError } from '../api/errors';
import { parseRestListener } from './rest-listeners';

export const WorkerConfigKeys = {
  BOOTSTRAP_SERVERS: 'bootstrap.servers',
  KEY_CONVERTER: 'key.converter',
  VALUE_CONVERTER: 'value.converter',
  HEADER_CONVERTER: 'header.converter',
  OFFSET_FLUSH_INTERVAL_MS: 'offset.flush.interval.ms',
  OFFSET_FLUSH_TIMEOUT_MS: 'offset.flush.timeout.ms',
  TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS: 'task.shutdown.graceful.timeout.ms',
  PLUGIN_PATH: 'plugin.path',
  CONFIG_PROVIDERS: 'config.providers',
  CONNECTOR_CLIENT_POLICY: 'connector.client.config.override.policy',
  TOPIC_CREATION_ENABLE: 'topic.creation.enable',
  TOPIC_TRACKING_ENABLE: 'topic.tracking.enable',
  TOPIC_TRACKING_ALLOW_RESET: 'topic.tracking.allow.reset',
  LISTENERS: 'listeners',
  ADMIN_LISTENERS: 'admin.listeners',
  REST_ADVERTISED_HOST_NAME: 'rest.advertised.host.name',
  REST_ADVERTISED_PORT: 'rest.advertised.port',
  REST_ADVERTISED_LISTENER: 'rest.advertised.listener',
  ACCESS_CONTROL_ALLOW_ORIGIN: 'access.control.allow.origin',
  ACCESS_CONTROL_ALLOW_METHODS: 'access.control.allow.methods',
  OFFSET_STORAGE_FILE_FILENAME: 'offset.storage.file.filename',
  GROUP_ID: 'group.id',
  CONFIG_STORAGE_TOPIC: 'config.storage.topic',
  CONFIG_STORAGE_REPLICATION_FACTOR: 'config.storage.replication.factor',
  OFFSET_STORAGE_TOPIC: 'offset.storage.topic',
  OFFSET_STORAGE_PARTITIONS: 'offset.storage.partitions',
  OFFSET_STORAGE_REPLICATION_FACTOR: 'offset.storage.replication.factor',
  STATUS_STORAGE_TOPIC: 'status.storage.topic',
  STATUS_STORAGE_PARTITIONS: 'status.storage.partitions',
  STATUS_STORAGE_REPLICATION_FACTOR: 'status.storage.replication.factor',
  SESSION_TIMEOUT_MS: 'session.timeout.ms',
  HEARTBEAT_INTERVAL_MS: 'heartbeat.interval.ms',
  REBALANCE_TIMEOUT_MS: 'rebalance.timeout.ms',
  SCHEDULED_REBALANCE_MAX_DELAY_MS: 'scheduled.rebalance.max.delay.ms',
  WORKER_SYNC_TIMEOUT_MS: 'worker.sync.timeout.ms',
} as const;

/** The value of `bootstrap.servers` that selects the in-process broker. */
export const EMBEDDED_BOOTSTRAP = 'embedded';
export const DEFAULT_LISTENER = 'http://127.0.0.1:8083';
export const DEFAULT_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';

/** Prefixes whose keys are passed on as sub-maps (prefix removed) rather than defined one by one. */
export const WorkerConfigPrefixes = {
  PRODUCER: 'producer.',
  CONSUMER: 'consumer.',
  ADMIN: 'admin.',
  BROKER: 'broker.',
  KEY_CONVERTER: 'key.converter.',
  VALUE_CONVERTER: 'value.converter.',
  HEADER_CONVERTER: 'header.converter.',
  LISTENERS_HTTPS: 'listeners.https.',
} as const;

const K = WorkerConfigKeys;
const HOST_PORT = /^(?:\[[0-9a-fA-F:.%\w]+\]|[^:\s[\]/]+):(\d{1,5})$/;

const bootstrapValidator = LambdaValidator.with(
  (name, value) => {
    const servers = Array.isArray(value) ? (value as string[]) : [];
    if (servers.length <= 1 && (servers[0] ?? EMBEDDED_BOOTSTRAP) === EMBEDDED_BOOTSTRAP) return;
    for (const server of servers) {
      if (server === EMBEDDED_BOOTSTRAP) throw ConfigError.invalidValue(name, value, `${EMBEDDED_BOOTSTRAP} cannot be combined with other servers`);
      const m = HOST_PORT.exec(server);
      if (m === null || Number(m[1]) < 1 || Number(m[1]) > 65535) {
        throw ConfigError.invalidValue(name, value, `Invalid url in bootstrap.servers: ${server} (expected host:port, or ${EMBEDDED_BOOTSTRAP})`);
      }
    }
  },
  { description: `"${EMBEDDED_BOOTSTRAP}" or a list of host:port` },
);

function listenersValidator(allowEmpty: boolean): LambdaValidator {
  return LambdaValidator.with(
    (name, value) => {
      if (value === null || value === undefined) return;
      const urls = value as string[];
      if (urls.length === 0 && !allowEmpty) throw ConfigError.invalidValue(name, value, 'Empty listeners list');
      for (const url of urls) parseRestListener(url, name);
    },
    { description: 'List of comma-separated URLs, ex: http://localhost:8080,https://localhost:8443.' },
  );
}

/** -1 (the broker's default) or a positive number, for internal topic partitions and replication factors. */
const brokerDefaultOrPositive = LambdaValidator.with(
  (name, value) => {
    const n = value as number;
    if (n !== -1 && n < 1) throw ConfigError.invalidValue(name, value, 'Value must be -1 (use the broker default) or at least 1');
  },
  { description: '-1, or [1,...]', acceptsNull: false, jsonSchema: { not: { enum: [0] }, minimum: -1 } },
);

/** The keys of standalone and distributed workers. */
export function commonWorkerConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: K.BOOTSTRAP_SERVERS, type: 'LIST', default: EMBEDDED_BOOTSTRAP, validator: bootstrapValidator, importance: 'HIGH',
      documentation: `Kafka brokers to connect to, as host:port pairs, or "${EMBEDDED_BOOTSTRAP}" (the default; also when empty) for a broker running inside the worker process, configured by the broker.* settings (e.g. broker.log.dirs, broker.listeners).`,
    })
    .define({
      name: K.KEY_CONVERTER, type: 'CLASS', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'HIGH',
      documentation: 'Converter class for record keys written to or read from Kafka, e.g. org.apache.kafka.connect.json.JsonConverter. key.converter.* settings configure it.',
    })
    .define({
      name: K.VALUE_CONVERTER, type: 'CLASS', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'HIGH',
      documentation: 'Converter class for record values written to or read from Kafka, e.g. org.apache.kafka.connect.json.JsonConverter. value.converter.* settings configure it.',
    })
    .define({
      name: K.HEADER_CONVERTER, type: 'CLASS', default: DEFAULT_HEADER_CONVERTER, validator: new NonEmptyString(), importance: 'LOW',
      documentation: 'HeaderConverter class for record header values. header.converter.* settings configure it.',
    })
    .define({
      name: K.OFFSET_FLUSH_INTERVAL_MS, type: 'LONG', default: 60000, validator: Range.atLeast(0), importance: 'LOW',
      documentation: 'Interval at which to try committing offsets for tasks.',
    })
    .define({
      name: K.OFFSET_FLUSH_TIMEOUT_MS, type: 'LONG', default: 5000, validator: Range.atLeast(0), importance: 'LOW',
      documentation: 'Maximum time in milliseconds to wait for records to flush and offsets to be committed before cancelling the process and restoring the offsets to be committed in a future attempt.',
    })
    .define({
      name: K.TASK_SHUTDOWN_GRACEFUL_TIMEOUT_MS, type: 'LONG', default: 5000, validator: Range.atLeast(0), importance: 'LOW',
      documentation: 'Time to wait for tasks to shut down gracefully. This is the total time, not per task.',
    })
    .define({
      name: K.PLUGIN_PATH, type: 'LIST', default: null, importance: 'LOW',
      documentation: 'Directories holding plugin packages: each is a Node package marked "sluice": {"plugin": true} in its package.json, or a directory of such packages.',
    })
    .define({
      name: K.CONFIG_PROVIDERS, type: 'LIST', default: '', importance: 'LOW',
      documentation: 'Names of ConfigProviders; config.providers.<name>.class gives each class and config.providers.<name>.param.* its settings. Values refer to them as ${name:[path:]key}.',
    })
    .define({
      name: K.CONNECTOR_CLIENT_POLICY, type: 'STRING', default: 'All', validator: ValidString.in('All', 'None', 'Principal'), importance: 'MEDIUM',
      documentation: 'Which producer.override.*, consumer.override.* and admin.override.* settings connectors may use: All, None, or Principal (only SASL client settings).',
    })
    .define({
      name: K.TOPIC_CREATION_ENABLE, type: 'BOOLEAN', default: true, importance: 'LOW',
      documentation: 'Whether source connectors may create their topics with topic.creation.* settings.',
    })
    .define({
      name: K.TOPIC_TRACKING_ENABLE, type: 'BOOLEAN', default: true, importance: 'LOW',
      documentation: 'Whether the worker tracks the topics each connector uses (the /connectors/{name}/topics endpoint).',
    })
    .define({
      name: K.TOPIC_TRACKING_ALLOW_RESET, type: 'BOOLEAN', default: true, importance: 'LOW',
      documentation: 'Whether the tracked topics of a connector may be reset over REST.',
    })
    .define({
      name: K.LISTENERS, type: 'LIST', default: DEFAULT_LISTENER, validator: CompositeValidator.of(new NonNullValidator(), listenersValidator(false)), importance: 'LOW',
      documentation: 'URIs the REST API listens on, e.g. http://:8083 (every interface) or http://127.0.0.1:8083.',
    })
    .define({
      name: K.ADMIN_LISTENERS, type: 'LIST', default: null, validator: listenersValidator(true), importance: 'LOW',
      documentation: 'URIs for the /admin endpoints; null (the default) serves them on the main listeners, an empty value disables them.',
    })
    .define({
      name: K.REST_ADVERTISED_HOST_NAME, type: 'STRING', default: null, importance: 'LOW',
      documentation: 'The host name given to other workers to reach this one; also part of the worker id.',
    })
    .define({
      name: K.REST_ADVERTISED_PORT, type: 'INT', default: null, validator: LambdaValidator.with((n, v) => {
        if (v !== null && ((v as number) < 1 || (v as number) > 65535)) throw ConfigError.invalidValue(n, v, 'Value must be a port number between 1 and 65535');
      }, { description: '[1,...,65535]', jsonSchema: { minimum: 1, maximum: 65535 } }),
      importance: 'LOW',
      documentation: 'The port given to other workers to reach this one; by default the port the REST listener is bound to.',
    })
    .define({
      name: K.REST_ADVERTISED_LISTENER, type: 'STRING', default: null, validator: LambdaValidator.with((n, v) => {
        if (v !== null && v !== 'http' && v !== 'https') throw ConfigError.invalidValue(n, v, 'String must be one of: http, https');
      }, { description: '[http, https]' }),
      importance: 'LOW',
      documentation: 'The protocol given to other workers (http or https); by default that of the first listener.',
    })
    .define({
      name: K.ACCESS_CONTROL_ALLOW_ORIGIN, type: 'STRING', default: '', importance: 'LOW',
      documentation: 'Value of the Access-Control-Allow-Origin header of REST responses; empty disables CORS.',
    })
    .define({
      name: K.ACCESS_CONTROL_ALLOW_METHODS, type: 'STRING', default: '', importance: 'LOW',
      documentation: 'Methods allowed in cross-origin requests (Access-Control-Allow-Methods); empty means GET, POST and HEAD.',
    });
}

/** Standalone workers keep source offsets in a local file. */
export function standaloneConfigDef(): ConfigDef {
  return commonWorkerConfigDef().define({
    name: K.OFFSET_STORAGE_FILE_FILENAME, type: 'STRING', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'HIGH',
    documentation: 'File to store source connector offsets in.',
  });
}

/** Distributed workers share configs, offsets and statuses through internal topics. */
export function distributedConfigDef(): ConfigDef {
  const required = (name: string, doc: string): Parameters<ConfigDef['define']>[0] => ({
    name, type: 'STRING', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'HIGH', documentation: doc,
  });
  const count = (name: string, dflt: number, type: 'INT' | 'SHORT', doc: string): Parameters<ConfigDef['define']>[0] => ({
    name, type, default: dflt, validator: brokerDefaultOrPositive, importance: 'LOW', documentation: doc,
  });
  const ms = (name: string, dflt: number, doc: string): Parameters<ConfigDef['define']>[0] => ({
    name, type: 'INT', default: dflt, validator: Range.atLeast(0), importance: 'LOW', documentation: doc,
  });
  return commonWorkerConfigDef()
    .define(required(K.GROUP_ID, 'A unique string that identifies the Connect cluster this worker belongs to.'))
    .define(required(K.CONFIG_STORAGE_TOPIC, 'The compacted, single-partition topic holding connector and task configurations.'))
    .define(count(K.CONFIG_STORAGE_REPLICATION_FACTOR, 3, 'SHORT', 'Replication factor of the config topic when it is created; -1 uses the broker default.'))
    .define(required(K.OFFSET_STORAGE_TOPIC, 'The compacted topic holding source connector offsets.'))
    .define(count(K.OFFSET_STORAGE_PARTITIONS, 25, 'INT', 'Partitions of the offsets topic when it is created; -1 uses the broker default.'))
    .define(count(K.OFFSET_STORAGE_REPLICATION_FACTOR, 3, 'SHORT', 'Replication factor of the offsets topic when it is created; -1 uses the broker default.'))
    .define(required(K.STATUS_STORAGE_TOPIC, 'The compacted topic holding connector and task statuses.'))
    .define(count(K.STATUS_STORAGE_PARTITIONS, 5, 'INT', 'Partitions of the status topic when it is created; -1 uses the broker default.'))
    .define(count(K.STATUS_STORAGE_REPLICATION_FACTOR, 3, 'SHORT', 'Replication factor of the status topic when it is created; -1 uses the broker default.'))
    .define(ms(K.SESSION_TIMEOUT_MS, 10000, 'Time after which a worker that stopped renewing its membership is considered failed.'))
    .define(ms(K.HEARTBEAT_INTERVAL_MS, 3000, 'Expected time between heartbeats of a worker to the group.'))
    .define(ms(K.REBALANCE_TIMEOUT_MS, 60000, 'Maximum time for every worker to join the group once a rebalance has begun.'))
    .define(ms(K.SCHEDULED_REBALANCE_MAX_DELAY_MS, 300000, 'How long the connectors and tasks of a departed worker wait for it to return before they are reassigned.'))
    .define(ms(K.WORKER_SYNC_TIMEOUT_MS, 3000, 'How long a worker waits to catch up with the config topic before giving up its assignment.'));
}
