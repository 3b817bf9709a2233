/** Record builders shared by the transformation tests. */
import { type ConnectRecordInit, SinkRecord, SourceRecord } from '../../../../connect-runtime/api';

export function sourceRecord(init: Partial<ConnectRecordInit> = {}): SourceRecord {
  return new SourceRecord({ topic: 'orders', kafkaPartition: 0, timestamp: 1_700_000_000_000, ...init, sourcePartition: { p: 1 }, sourceOffset: { o: 2 } });
}

export function sinkRecord(init: Partial<ConnectRecordInit> = {}): SinkRecord {
  return new SinkRecord({ topic: 'orders', timestamp: 1_700_000_000_000, ...init, kafkaPartition: init.kafkaPartition ?? 3, kafkaOffset: 42 });
}

/** Configures a transformation or predicate and returns it. */
export function configured<T extends { configure(configs: Readonly<Record<string, unknown>>): void }>(plugin: T, configs: Record<string, unknown>): T {
  plugin.configure(configs);
  return plugin;
}
