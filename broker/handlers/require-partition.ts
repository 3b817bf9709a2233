import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { PartitionLog } from '../log/partition-log';
import type { BrokerServices } from './types';

/** The partition's log, or UNKNOWN_TOPIC_OR_PARTITION for the per-partition error field. */
export function requirePartition(broker: BrokerServices, topic: string, partition: number): PartitionLog {
  const log = broker.logs.partition(topic, partition);
  if (!log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic partition ${topic}-${partition}`);
  return log;
}
