/** CreateTopics (19). One broker: replication factor 1 only; -1 means the broker default (v4+). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ApiHandler, RequestContext } from './types';

async function createOne(t: Message, validateOnly: boolean, ctx: RequestContext): Promise<Message> {
  const { config, logs } = ctx.broker;
  const out: Message = { name: t.name, topicId: Buffer.alloc(16), errorCode: ErrorCode.NONE, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: [] };
  try {
    const assignments = (t.assignments as Message[]) ?? [];
    let partitions: number = t.numPartitions === -1 ? config.numPartitions : t.numPartitions;
    let replicationFactor: number = t.replicationFactor === -1 ? config.defaultReplicationFactor : t.replicationFactor;
    if (assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, 'give either replica assignments or numPartitions/replicationFactor, not both');
      }
      for (const a of assignments) {
        const ids = a.brokerIds as number[];
        if (ids.length !== 1 || ids[0] !== config.nodeId) {
          throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `partition ${a.partitionIndex} is assigned to brokers [${ids.join(',')}] but the only broker is ${config.nodeId}`);
        }
      }
      partitions = assignments.length;
      replicationFactor = 1;
    }
    if (replicationFactor < 1 || replicationFactor > 1) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: 1.`);
    }
    if (partitions < 1) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0, got ${partitions}.`);
    const configs: Record<string, string> = {};
    for (const c of t.configs as Message[]) {
      if (c.value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `config ${c.name} has a null value`);
      configs[c.name] = c.value;
    }
    const created = await logs.createTopic({ name: t.name, partitions, configs, validateOnly });
    out.topicId = created.topicId;
    out.numPartitions = partitions;
    out.replicationFactor = 1;
    if (!validateOnly) ctx.broker.logger.info({ topic: t.name, partitions, configs }, 'created topic');
  } catch (err) {
    out.errorCode = errorCodeOf(err);
    out.errorMessage = (err as Error).message;
  }
  return out;
}

export const createTopicsHandler: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(req, ctx) {
    const topics: Message[] = [];
    // Sequentially, so that two entries naming the same topic get a clear TOPIC_ALREADY_EXISTS.
    for (const t of req.topics as Message[]) topics.push(await createOne(t, Boolean(req.validateOnly), ctx));
    return { throttleTimeMs: 0, topics };
  },
};
