/**
 * Kafka client settings for a connector's tasks: the worker's `producer.*` / `consumer.*` settings, then the
 * connector's `producer.override.*` / `consumer.override.*`, mapped onto the broker client's options. Source records
 * always go with acks=all (DESIGN §4: offsets are committed only for acknowledged records); sink consumers never
 * auto-commit (the runtime commits what the task has flushed). Keys the clients have no use for are ignored.
 */
import { ConfigError } from '../api';
import type { ProducerOptions } from '../../broker/client/producer';
import type { GroupConsumerOptions } from '../../broker/client/group-consumer';
import type { ResetPolicy } from '../../broker/client/partition-fetcher';

/**
 * Larger than Kafka's 16 KiB: a Connect worker writes many small records through one producer, and batches of
 * 256 KiB cut the per-request cost of the file pipeline by about a sixth (docs/benchmarks.md).
 */
export const CONNECT_PRODUCER_BATCH_SIZE = 262144;

const NUMERIC: Record<string, keyof ProducerOptions> = {
  'batch.size': 'batchSize',
  'linger.ms': 'lingerMs',
  'max.in.flight.requests.per.connection': 'maxInFlight',
  'max.request.size': 'maxRequestSize',
  'buffer.memory': 'bufferMemory',
  'request.timeout.ms': 'timeoutMs',
};

export function taskProducerOptions(workerProducerConfigs: Readonly<Record<string, string>>, connectorConfig: Readonly<Record<string, string>>): ProducerOptions {
  const options: ProducerOptions = { acks: -1, batchSize: CONNECT_PRODUCER_BATCH_SIZE };
  for (const { key, name, value } of clientSettings('producer', workerProducerConfigs, connectorConfig)) {
    const option = NUMERIC[key];
    if (option) {
      (options as Record<string, number>)[option] = nonNegativeInteger(name, value);
    } else if (key === 'compression.type') {
      options.compression = value.trim();
    }
  }
  return options;
}

/** The GroupConsumer options a sink task's consumer takes from the consumer settings. */
export type TaskConsumerOptions = Pick<
  GroupConsumerOptions,
  'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'heartbeatIntervalMs' | 'assignors' | 'autoOffsetReset' | 'maxWaitMs' | 'minBytes' | 'partitionMaxBytes' | 'isolationLevel' | 'verifyCrc'
>;

const CONSUMER_NUMERIC: Record<string, keyof TaskConsumerOptions> = {
  'session.timeout.ms': 'sessionTimeoutMs',
  // The classic protocol's rebalance timeout is the consumer's max.poll.interval.ms.
  'max.poll.interval.ms': 'rebalanceTimeoutMs',
  'heartbeat.interval.ms': 'heartbeatIntervalMs',
  'fetch.max.wait.ms': 'maxWaitMs',
  'fetch.min.bytes': 'minBytes',
  'max.partition.fetch.bytes': 'partitionMaxBytes',
};

/** partition.assignment.strategy values: the built-in assignors' names, or the Java consumer's class names for them. */
const ASSIGNOR_NAMES: Record<string, string> = {
  range: 'range',
  roundrobin: 'roundrobin',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
};

const RESET_POLICIES: readonly ResetPolicy[] = ['earliest', 'latest', 'none'];

/**
 * Consumer settings for a sink task: Connect's defaults (auto.offset.reset=earliest), then the worker's
 * `consumer.*`, then the connector's `consumer.override.*`. Bad values throw a ConfigError naming the key as written.
 */
export function taskConsumerOptions(workerConsumerConfigs: Readonly<Record<string, string>>, connectorConfig: Readonly<Record<string, string>>): TaskConsumerOptions {
  const options: TaskConsumerOptions = { autoOffsetReset: 'earliest' };
  for (const { key, name, value } of clientSettings('consumer', workerConsumerConfigs, connectorConfig)) {
    const option = CONSUMER_NUMERIC[key];
    if (option) {
      (options as Record<string, number>)[option] = nonNegativeInteger(name, value);
    } else if (key === 'auto.offset.reset') {
      const policy = value.trim() as ResetPolicy;
      if (!RESET_POLICIES.includes(policy)) throw ConfigError.invalidValue(name, value, `String must be one of: ${RESET_POLICIES.join(', ')}`);
      options.autoOffsetReset = policy;
    } else if (key === 'isolation.level') {
      const level = ['read_uncommitted', 'read_committed'].indexOf(value.trim());
      if (level < 0) throw ConfigError.invalidValue(name, value, 'String must be one of: read_committed, read_uncommitted');
      options.isolationLevel = level;
    } else if (key === 'check.crcs') {
      const flag = value.trim().toLowerCase();
      if (flag !== 'true' && flag !== 'false') throw ConfigError.invalidValue(name, value, 'Expected value to be either true or false');
      options.verifyCrc = flag === 'true';
    } else if (key === 'partition.assignment.strategy') {
      options.assignors = value.split(',').map((s) => s.trim()).filter(Boolean).map((strategy) => {
        const assignor = ASSIGNOR_NAMES[strategy];
        if (assignor === undefined) throw ConfigError.invalidValue(name, value, `Unsupported assignor ${strategy}: use range or roundrobin (or the Java consumer's RangeAssignor or RoundRobinAssignor class names).`);
        return assignor;
      });
      if (options.assignors.length === 0) throw ConfigError.invalidValue(name, value, 'At least one assignor is needed.');
    }
  }
  return options;
}

/** One client setting with its key without prefix, and the key as the user wrote it (for errors). */
interface ClientSetting {
  key: string;
  name: string;
  value: string;
}

/** The worker's `<client>.*` settings, each replaced by the connector's `<client>.override.*` of the same key. */
function clientSettings(client: 'producer' | 'consumer', workerConfigs: Readonly<Record<string, string>>, connectorConfig: Readonly<Record<string, string>>): ClientSetting[] {
  const settings = new Map<string, ClientSetting>();
  for (const [key, value] of Object.entries(workerConfigs)) settings.set(key, { key, name: `${client}.${key}`, value });
  const overridePrefix = `${client}.override.`;
  for (const [name, value] of Object.entries(connectorConfig)) {
    if (name.startsWith(overridePrefix)) settings.set(name.slice(overridePrefix.length), { key: name.slice(overridePrefix.length), name, value });
  }
  return [...settings.values()];
}

function nonNegativeInteger(name: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0) throw ConfigError.invalidValue(name, value, 'Expected a non-negative integer.');
  return number;
}
