/**
 * The offsets of a sink connector are the committed offsets of its consumer group `connect-<connector>`
 * (Kafka's SinkUtils.consumerGroupId). Reading, altering and resetting them goes through the group
 * coordinator as Kafka's admin client does it: alter commits as an admin (generation -1), a null offset
 * deletes the partition's commit (OffsetDelete), and a reset deletes the whole group. Altering needs
 * the group to be empty, which it is once the connector is STOPPED and its consumers have left.
 */
import { ConnectError } from '../api';
import { KafkaAdmin } from '../../broker/client/kafka-admin';
import type { KafkaClient } from '../../broker/client/kafka-client';
import { groupByTopic } from '../../broker/client/group-offsets';
import { ErrorCode, type KafkaError } from '../../broker/protocol/error-codes';

/** One partition of a sink connector's input and its committed offset (null: no commit / delete it). */
export interface SinkPartitionOffset {
  topic: string;
  partition: number;
  offset: number | null;
}

const RETRY_HINT =
  'If the connector is in a stopped state, this operation can be safely retried once its tasks have stopped completely.';

export class SinkOffsetsAdmin {
  private readonly admin: KafkaAdmin;

  constructor(client: KafkaClient) {
    this.admin = new KafkaAdmin(client);
  }

  static groupId(connector: string): string {
    return `connect-${connector}`;
  }

  async list(connector: string): Promise<SinkPartitionOffset[]> {
    const committed = await this.admin.fetchOffsets(SinkOffsetsAdmin.groupId(connector));
    return committed.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset }));
  }

  async alter(connector: string, offsets: readonly SinkPartitionOffset[]): Promise<void> {
    const groupId = SinkOffsetsAdmin.groupId(connector);
    const toCommit = offsets.flatMap((o) => (o.offset === null ? [] : [{ topic: o.topic, partition: o.partition, offset: o.offset }]));
    const toDelete = offsets.filter((o) => o.offset === null);
    try {
      if (toCommit.length > 0) await this.admin.commitOffsets(groupId, toCommit);
      if (toDelete.length > 0) {
        const result = await this.admin.deleteOffsets(groupId, groupByTopic(toDelete));
        if (result.error && result.error.code !== ErrorCode.GROUP_ID_NOT_FOUND) throw result.error;
        const failed = result.partitions.find((p) => p.error && p.error.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (failed?.error) throw failed.error;
      }
    } catch (err) {
      throw new ConnectError(`Failed to alter consumer group offsets for connector ${connector}: ${(err as Error).message}. ${RETRY_HINT}`, { cause: err });
    }
  }

  async reset(connector: string): Promise<void> {
    const [result] = await this.admin.deleteGroups([SinkOffsetsAdmin.groupId(connector)]);
    const error: KafkaError | null = result?.error ?? null;
    if (error && error.code !== ErrorCode.GROUP_ID_NOT_FOUND) {
      throw new ConnectError(`Failed to reset consumer group offsets for connector ${connector}: ${error.message}. ${RETRY_HINT}`, { cause: error });
    }
  }
}
