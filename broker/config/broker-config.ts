/**
 * Broker process settings read from broker.properties (Kafka's names). Log settings (log.*, message.max.bytes,
 * ...) stay in `props` and are resolved per topic by the log layer.
 */
import type { Properties } from './properties';

export interface Listener {
  name: string;
  host: string;
  port: number;
}

export interface BrokerConfig {
  nodeId: number;
  listener: Listener;
  advertised: Listener;
  logDir: string;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopics: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  props: Properties;
}

export function parseListener(value: string, what: string): Listener {
  const first = value.split(',')[0]?.trim() ?? '';
  const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(first);
  if (!m) throw new Error(`${what}="${value}" is not of the form PLAINTEXT://host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`${what}="${value}" has an invalid port`);
  return { name: m[1] as string, host: (m[2] as string).replace(/^\[|\]$/g, '') || '0.0.0.0', port };
}

/** An integer property (>= min) or its default; throws naming the property when malformed. */
export function intProp(props: Properties, name: string, def: number, min = Number.MIN_SAFE_INTEGER): number {
  const raw = props[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}="${raw}" must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}`);
  return n;
}

/** A true/false property or its default; throws naming the property when malformed. */
export function boolProp(props: Properties, name: string, def: boolean): boolean {
  const raw = props[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return def;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name}="${props[name]}" must be true or false`);
  return raw === 'true';
}

export function parseBrokerConfig(props: Properties): BrokerConfig {
  const listener = parseListener(props['listeners'] ?? 'PLAINTEXT://127.0.0.1:9092', 'listeners');
  const advertised = props['advertised.listeners']
    ? parseListener(props['advertised.listeners'], 'advertised.listeners')
    : { ...listener, host: listener.host === '0.0.0.0' || listener.host === '::' ? '127.0.0.1' : listener.host };
  const logDirs = (props['log.dirs'] ?? props['log.dir'] ?? 'data/broker').split(',').map((d) => d.trim()).filter(Boolean);
  const defaultReplicationFactor = intProp(props, 'default.replication.factor', 1, 1);
  if (defaultReplicationFactor !== 1) {
    throw new Error(`default.replication.factor=${defaultReplicationFactor} cannot be met: this cluster has one broker`);
  }
  return {
    nodeId: intProp(props, 'node.id', intProp(props, 'broker.id', 0, 0), 0),
    listener,
    advertised,
    logDir: logDirs[0] ?? 'data/broker',
    numPartitions: intProp(props, 'num.partitions', 1, 1),
    defaultReplicationFactor,
    autoCreateTopics: boolProp(props, 'auto.create.topics.enable', true),
    deleteTopicEnable: boolProp(props, 'delete.topic.enable', true),
    socketRequestMaxBytes: intProp(props, 'socket.request.max.bytes', 104857600, 1024),
    props,
  };
}
