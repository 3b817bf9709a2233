/**
 * `GET/PATCH/DELETE /connectors/{c}/offsets` (KIP-875) as Kafka Connect's Worker answers them. Source
 * offsets are the connector's entries in the offset store, `{partition, offset}` as the connector wrote
 * them; sink offsets are the committed offsets of the group `connect-<c>`, shown in the fixed format
 * `{"partition":{"kafka_topic","kafka_partition"},"offset":{"kafka_offset"}}`. Before offsets change, the
 * connector's alterOffsets() hook is called (a fresh instance: the connector is STOPPED); its answer
 * picks the message of the 200 reply. The caller checks that the connector is STOPPED.
 */
import {
  ConnectError,
  ConnectErrorCode,
  SinkConnector,
  SourceConnector,
  TopicPartitionMap,
  topicPartition,
  type ConnectorProps,
  type SourceOffset,
  type SourcePartition,
} from '../api';
import type { PluginRegistry } from '../plugins';
import type { OffsetStore } from '../storage/offset-store';
import type { SinkPartitionOffset } from '../worker/sink-offsets';
import type { Worker } from '../worker/worker';
import type { ConnectorOffset, ConnectorType } from './herder';

export const KAFKA_TOPIC_KEY = 'kafka_topic';
export const KAFKA_PARTITION_KEY = 'kafka_partition';
export const KAFKA_OFFSET_KEY = 'kafka_offset';

export interface ConnectorOffsetsDeps {
  worker: Worker;
  registry: PluginRegistry;
  offsets: OffsetStore;
}

export async function listConnectorOffsets(deps: ConnectorOffsetsDeps, name: string, type: ConnectorType): Promise<ConnectorOffset[]> {
  if (type === 'sink') {
    return (await deps.worker.sinkConnectorOffsets(name)).map((o) => ({
      partition: { [KAFKA_TOPIC_KEY]: o.topic, [KAFKA_PARTITION_KEY]: o.partition },
      offset: { [KAFKA_OFFSET_KEY]: o.offset },
    }));
  }
  return (await deps.offsets.list(name)).map((o) => ({ partition: o.partition, offset: o.offset }));
}

/** Alters (PATCH: `offsets` given) or resets (DELETE: `offsets` null) a stopped connector's offsets; returns the reply's message. */
export async function modifyConnectorOffsets(
  deps: ConnectorOffsetsDeps,
  name: string,
  config: ConnectorProps,
  offsets: readonly ConnectorOffset[] | null,
): Promise<string> {
  const connector = deps.registry.newConnector(config['connector.class'] ?? '');
  let handledByConnector: boolean;
  if (connector instanceof SinkConnector) {
    const parsed = offsets === null ? (await deps.worker.sinkConnectorOffsets(name)).map((o) => ({ ...o, offset: null })) : parseSinkConnectorOffsets(offsets);
    const hook = new TopicPartitionMap<number | null>();
    for (const o of parsed) hook.set(topicPartition(o.topic, o.partition), o.offset);
    handledByConnector = await connector.alterOffsets(config, hook);
    if (offsets === null) await deps.worker.resetSinkConnectorOffsets(name);
    else await deps.worker.alterSinkConnectorOffsets(name, parsed);
  } else if (connector instanceof SourceConnector) {
    const changes = offsets === null ? (await deps.offsets.list(name)).map((o) => ({ partition: o.partition, offset: null })) : offsets;
    const hook = new Map(changes.map((o) => [o.partition as SourcePartition, o.offset as SourceOffset | null]));
    handledByConnector = await connector.alterOffsets(config, hook);
    await deps.offsets.set(name, changes);
  } else {
    throw new ConnectError(`Connector ${name} is neither a source nor a sink connector: its offsets cannot be modified`, { code: ConnectErrorCode.BAD_REQUEST });
  }
  const change = offsets === null ? 'reset' : 'altered';
  return handledByConnector
    ? `The offsets for this connector have been ${change} successfully`
    : `The Connect framework-managed offsets for this connector have been ${change} successfully. However, if this connector manages offsets externally, they will need to be manually ${change} in the system that the connector uses.`;
}

/** Kafka's SinkUtils.parseSinkConnectorOffsets: numbers may also be given as strings; anything else is a 400. */
export function parseSinkConnectorOffsets(offsets: readonly ConnectorOffset[]): SinkPartitionOffset[] {
  const badRequest = (message: string): ConnectError => new ConnectError(message, { code: ConnectErrorCode.BAD_REQUEST });
  return offsets.map(({ partition, offset }) => {
    if (partition === null || partition === undefined) throw badRequest('The partition for a sink connector offset cannot be null or missing');
    if (!(KAFKA_TOPIC_KEY in partition) || !(KAFKA_PARTITION_KEY in partition)) {
      throw badRequest(`The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC_KEY}' and '${KAFKA_PARTITION_KEY}'`);
    }
    const rawPartition = partition[KAFKA_PARTITION_KEY];
    const partitionNumber = javaInteger(rawPartition, 2 ** 31);
    if (partitionNumber === null) {
      throw badRequest(`Failed to parse the following Kafka partition value in the provided offsets: '${String(rawPartition)}'. Partition values for sink connectors need to be integers.`);
    }
    const topic = String(partition[KAFKA_TOPIC_KEY]);
    if (offset === null) return { topic, partition: partitionNumber, offset: null };
    if (!(KAFKA_OFFSET_KEY in offset)) throw badRequest(`The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET_KEY}'`);
    const rawOffset = offset[KAFKA_OFFSET_KEY];
    const offsetNumber = javaInteger(rawOffset, 2 ** 63);
    if (offsetNumber === null) {
      throw badRequest(`Failed to parse the following Kafka offset value in the provided offsets: '${String(rawOffset)}'. Offset values for sink connectors need to be integers.`);
    }
    return { topic, partition: partitionNumber, offset: offsetNumber };
  });
}

/** Integer.parseInt / Long.parseLong of String.valueOf(value): an integer (or its decimal string) within range, else null. */
function javaInteger(value: unknown, limit: number): number | null {
  const text = String(value);
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= -limit && n < limit && Number.isSafeInteger(n) ? n : null;
}
