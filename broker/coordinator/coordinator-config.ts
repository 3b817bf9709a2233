/** The group coordinator's settings, read from broker.properties under Kafka's names and defaults. */
import { intProp } from '../config/broker-config';
import type { Properties } from '../config/properties';

export interface CoordinatorConfig {
  /** How long the first rebalance of an empty group waits for more members (group.initial.rebalance.delay.ms). */
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size: members beyond it get GROUP_MAX_SIZE_REACHED. */
  maxGroupSize: number;
  /** offsets.topic.num.partitions: fixed once __consumer_offsets exists. */
  offsetsTopicPartitions: number;
  offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes, in ms: how long an empty group's offsets outlive its last member. */
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  maxOffsetMetadataBytes: number;
}

export function parseCoordinatorConfig(props: Properties): CoordinatorConfig {
  const minSessionTimeoutMs = intProp(props, 'group.min.session.timeout.ms', 6000, 0);
  const maxSessionTimeoutMs = intProp(props, 'group.max.session.timeout.ms', 1_800_000, 0);
  if (maxSessionTimeoutMs < minSessionTimeoutMs) {
    throw new Error(`group.max.session.timeout.ms=${maxSessionTimeoutMs} is below group.min.session.timeout.ms=${minSessionTimeoutMs}`);
  }
  return {
    initialRebalanceDelayMs: intProp(props, 'group.initial.rebalance.delay.ms', 3000, 0),
    minSessionTimeoutMs,
    maxSessionTimeoutMs,
    maxGroupSize: intProp(props, 'group.max.size', 0x7fffffff, 1),
    offsetsTopicPartitions: intProp(props, 'offsets.topic.num.partitions', 50, 1),
    offsetsTopicSegmentBytes: intProp(props, 'offsets.topic.segment.bytes', 104_857_600, 14),
    offsetsRetentionMs: intProp(props, 'offsets.retention.minutes', 10_080, 1) * 60_000,
    offsetsRetentionCheckIntervalMs: intProp(props, 'offsets.retention.check.interval.ms', 600_000, 1),
    maxOffsetMetadataBytes: intProp(props, 'offset.metadata.max.bytes', 4096, 0),
  };
}
