/**
 * The coordinator's durable store: the compacted internal topic `__consumer_offsets`. Each group's
 * records go to partition abs(hash(group)) % partitions, as in Kafka; writes are one uncompressed
 * batch per operation, appended in call order. At start-up every partition is replayed so that the
 * newest record per key wins (what compaction would leave).
 */
import type { Logger } from 'pino';
import { buildRecordBatch } from '../client/record-batch-builder';
import { nextOffsetAfter, readRecords } from '../client/record-batch-reader';
import type { AppendNotifier } from '../handlers/append-notifier';
import type { LogManager } from '../log/log-manager';
import type { PartitionLog } from '../log/partition-log';
import { readBatchHeader } from '../protocol/record-batch';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import type { CoordinatorConfig } from './coordinator-config';
import { parseGroupRecord, partitionForGroup, type GroupRecord, type KeyValue } from './group-records';

export const OFFSETS_TOPIC = '__consumer_offsets';
const REPLAY_CHUNK_BYTES = 4 * 1024 * 1024;

export class OffsetsTopic {
  private partitionCount: number;

  constructor(
    private readonly logs: LogManager,
    private readonly appends: AppendNotifier,
    private readonly config: CoordinatorConfig,
    private readonly logger: Logger,
  ) {
    this.partitionCount = logs.getTopic(OFFSETS_TOPIC)?.partitions ?? config.offsetsTopicPartitions;
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.partitionCount);
  }

  /** The largest batch the topic accepts (its max.message.bytes). */
  maxRecordBytes(): number {
    return this.logs.partition(OFFSETS_TOPIC, 0)?.config.maxMessageBytes ?? this.logs.brokerLogConfig().maxMessageBytes;
  }

  /** Creates the topic on first use, compacted, with Kafka's settings for it. */
  async ensureCreated(): Promise<void> {
    if (this.logs.getTopic(OFFSETS_TOPIC)) return;
    try {
      await this.logs.createTopic({
        name: OFFSETS_TOPIC,
        partitions: this.config.offsetsTopicPartitions,
        configs: {
          'cleanup.policy': 'compact',
          'compression.type': 'producer',
          'segment.bytes': String(this.config.offsetsTopicSegmentBytes),
        },
      });
      this.partitionCount = this.config.offsetsTopicPartitions;
      this.logger.info({ partitions: this.partitionCount }, `created ${OFFSETS_TOPIC}`);
    } catch (err) {
      // Two first writers race to create it; the loser finds it there.
      if (!(err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
    }
  }

  /**
   * Appends the records of one group as one batch. Resolves once the log's flush policy is met; the
   * caller updates its in-memory state only then, so that nothing is acknowledged that a restart
   * would not see.
   */
  async write(groupId: string, records: readonly KeyValue[], now: number): Promise<void> {
    if (records.length === 0) return;
    await this.ensureCreated();
    const partition = this.partitionFor(groupId);
    const log = this.requireLog(partition);
    const batch = buildRecordBatch(records.map((r) => ({ key: r.key, value: r.value, timestamp: now })));
    if (batch.length > this.maxRecordBytes()) {
      throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `a ${batch.length}-byte write for group ${groupId} exceeds ${OFFSETS_TOPIC}'s max.message.bytes`);
    }
    const result = log.append(batch, readBatchHeader(batch), { now });
    this.appends.notify(OFFSETS_TOPIC, partition);
    if (result.durable) await result.durable;
  }

  /** Every stored record, partition by partition, in offset order. */
  *replay(): Generator<GroupRecord> {
    const meta = this.logs.getTopic(OFFSETS_TOPIC);
    if (!meta) return;
    for (let p = 0; p < meta.partitions; p++) {
      const log = this.requireLog(p);
      let offset = log.logStartOffset;
      while (offset < log.highWatermark) {
        const chunk = log.read({ offset, maxBytes: REPLAY_CHUNK_BYTES, minOneBatch: true });
        if (chunk.length === 0) break;
        for (const record of readRecords(chunk, { minOffset: offset })) {
          offset = record.offset + 1;
          let parsed: GroupRecord | null;
          try {
            parsed = parseGroupRecord(record.key, record.value);
          } catch (err) {
            this.logger.error({ partition: p, offset: record.offset, err }, `skipping an unreadable ${OFFSETS_TOPIC} record`);
            continue;
          }
          if (parsed) yield parsed;
        }
        // A batch emptied by compaction has no records but still moves the position on.
        offset = Math.max(offset, nextOffsetAfter(chunk));
      }
    }
  }

  private requireLog(partition: number): PartitionLog {
    const log = this.logs.partition(OFFSETS_TOPIC, partition);
    if (!log) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `${OFFSETS_TOPIC}-${partition} is not available`);
    return log;
  }
}
