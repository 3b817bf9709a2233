/**
 * Metadata (3). One node leads every partition. A null topic list (v1+) or an empty one (v0) means
 * all topics; unknown topics are created when the client allows it and auto.create.topics.enable is on,
 * which kafkajs producers rely on.
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { TopicMetadata } from '../log/log-manager';
import { AUTHORIZED_OPERATIONS_UNKNOWN, type ApiHandler, type BrokerServices, type RequestContext } from './types';

export function describeTopic(broker: BrokerServices, topic: TopicMetadata): Message {
  const nodeId = broker.config.nodeId;
  const partitions: Message[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    const log = broker.logs.partition(topic.name, p);
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: nodeId,
      leaderEpoch: log?.leaderEpoch ?? 0,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_UNKNOWN,
  };
}

async function topicEntry(name: string, allowCreate: boolean, ctx: RequestContext): Promise<Message> {
  const { broker } = ctx;
  const existing = broker.logs.getTopic(name);
  if (existing) return describeTopic(broker, existing);
  const missing = { name, topicId: Buffer.alloc(16), isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_UNKNOWN };
  if (!allowCreate || !broker.config.autoCreateTopics) return { ...missing, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  try {
    const created = await broker.logs.createTopic({ name, partitions: broker.config.numPartitions, configs: {} });
    broker.logger.info({ topic: name, partitions: created.partitions }, 'auto-created topic');
    return describeTopic(broker, created);
  } catch (err) {
    // Another request may have created it meanwhile.
    const raced = broker.logs.getTopic(name);
    if (raced) return describeTopic(broker, raced);
    return { ...missing, errorCode: errorCodeOf(err) };
  }
}

export const metadataHandler: ApiHandler = {
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 9,
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const { nodeId, advertised } = broker.config;
    const requested: Message[] | null = req.topics;
    const all = requested === null || (apiVersion === 0 && requested.length === 0);
    const topics = all
      ? broker.logs.listTopics().map((t) => describeTopic(broker, t))
      : await Promise.all(requested.map((t) => topicEntry(t.name, req.allowAutoTopicCreation, ctx)));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host: advertised.host, port: advertised.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: nodeId,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_UNKNOWN,
    };
  },
};
