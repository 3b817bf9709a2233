/**
 * Topic administration over the Kafka protocol: create, delete, add partitions, list and describe
 * (with configs). Requests that change topics go to the controller, as Kafka's AdminClient does.
 * Per-topic errors become KafkaErrors naming the topic, the code and the broker's message. Consumer
 * group administration is GroupAdmin's; the group methods here hand over to it.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode } from '../protocol/error-codes';
import { brokerError } from './errors';
import { GroupAdmin, type DeleteGroupResult, type DeleteOffsetsResult, type GroupDescription, type GroupListing } from './group-admin';
import type { CommittedOffset, OffsetToCommit } from './group-offsets';
import type { KafkaClient } from './kafka-client';
import { parseMetadataResponse, topicIdString, type TopicMetadata } from './metadata';
import type { TopicPartitions } from '../protocol/consumer-protocol';

export interface NewTopic {
  name: string;
  /** Omit for the broker's num.partitions. */
  numPartitions?: number;
  /** Omit for the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface CreatedTopic {
  name: string;
  topicId: string | null;
  numPartitions: number;
  replicationFactor: number;
}

export type ConfigSource =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG';

const SOURCES: ConfigSource[] = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG'];

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: ConfigSource;
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
}

export interface TopicDescription extends TopicMetadata {
  configs: ConfigEntry[];
}

const RESOURCE_TYPE = { topic: 2, broker: 4 } as const;

export class KafkaAdmin {
  readonly groups: GroupAdmin;

  constructor(readonly client: KafkaClient) {
    this.groups = new GroupAdmin(client);
  }

  listGroups(opts: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    return this.groups.listGroups(opts);
  }

  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return this.groups.describeGroups(groupIds);
  }

  fetchOffsets(groupId: string, topics?: readonly string[]): Promise<CommittedOffset[]> {
    return this.groups.fetchOffsets(groupId, topics);
  }

  commitOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    return this.groups.commitOffsets(groupId, offsets);
  }

  deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    return this.groups.deleteGroups(groupIds);
  }

  deleteOffsets(groupId: string, partitions: readonly TopicPartitions[]): Promise<DeleteOffsetsResult> {
    return this.groups.deleteOffsets(groupId, partitions);
  }

  /** Creates topics; throws for the first topic the broker refused (e.g. TOPIC_ALREADY_EXISTS). */
  async createTopics(topics: readonly NewTopic[], opts: { timeoutMs?: number; validateOnly?: boolean } = {}): Promise<CreatedTopic[]> {
    const conn = await this.client.controllerConnection();
    const version = conn.version(ApiKey.CreateTopics);
    const timeoutMs = opts.timeoutMs ?? 30000;
    const request: Message = {
      topics: topics.map((t) => ({
        name: t.name,
        // -1 asks for the broker default (KIP-464, CreateTopics v4+).
        numPartitions: t.numPartitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs,
      validateOnly: opts.validateOnly ?? false,
    };
    const res = await conn.request(ApiKey.CreateTopics, version, request, { timeoutMs: timeoutMs + conn.requestTimeoutMs });
    const out: CreatedTopic[] = [];
    for (const t of res.topics as Message[]) {
      if (t.errorCode !== ErrorCode.NONE) throw brokerError(t.errorCode, t.errorMessage, `create topic '${t.name}'`);
      out.push({ name: t.name, topicId: topicIdString(t.topicId), numPartitions: t.numPartitions, replicationFactor: t.replicationFactor });
    }
    if (!opts.validateOnly) {
      // Like kafkajs: wait until the new partitions have leaders, so the topic is usable on return.
      this.client.invalidate(topics.map((t) => t.name));
      await Promise.all(topics.map((t) => this.client.topic(t.name, { refresh: true })));
    }
    return out;
  }

  async deleteTopics(names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<void> {
    const conn = await this.client.controllerConnection();
    const timeoutMs = opts.timeoutMs ?? 30000;
    const request: Message = { topicNames: names, topics: names.map((name) => ({ name, topicId: Buffer.alloc(16) })), timeoutMs };
    const res = await conn.call(ApiKey.DeleteTopics, request, { timeoutMs: timeoutMs + conn.requestTimeoutMs });
    this.client.invalidate(names);
    for (const name of names) this.client.clusterMetadata.topics.delete(name);
    for (const t of res.responses as Message[]) {
      if (t.errorCode !== ErrorCode.NONE) throw brokerError(t.errorCode, t.errorMessage, `delete topic '${t.name}'`);
    }
  }

  /** Raises topics' partition counts to `count`. */
  async createPartitions(updates: ReadonlyArray<{ topic: string; count: number }>, opts: { timeoutMs?: number; validateOnly?: boolean } = {}): Promise<void> {
    const conn = await this.client.controllerConnection();
    const timeoutMs = opts.timeoutMs ?? 30000;
    const request: Message = { topics: updates.map((u) => ({ name: u.topic, count: u.count, assignments: null })), timeoutMs, validateOnly: opts.validateOnly ?? false };
    const res = await conn.call(ApiKey.CreatePartitions, request, { timeoutMs: timeoutMs + conn.requestTimeoutMs });
    this.client.invalidate(updates.map((u) => u.topic));
    for (const r of res.results as Message[]) {
      if (r.errorCode !== ErrorCode.NONE) throw brokerError(r.errorCode, r.errorMessage, `create partitions of '${r.name}'`);
    }
  }

  /** Topic names, sorted. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const cluster = await this.client.metadata(null);
    return [...cluster.topics.values()].filter((t) => opts.includeInternal !== false || !t.isInternal).map((t) => t.name).sort();
  }

  /**
   * Describes topics (null: all) with their partitions and configs. Asks Metadata v10+ when the
   * broker offers it, to learn topic ids. Throws for a named topic that does not exist.
   */
  async describeTopics(names: readonly string[] | null, opts: { includeConfigs?: boolean } = {}): Promise<TopicDescription[]> {
    const conn = await this.client.anyConnection();
    const version = conn.highestVersion(ApiKey.Metadata, 12) ?? conn.version(ApiKey.Metadata);
    const res = await conn.request(ApiKey.Metadata, version, {
      topics: names === null ? (version === 0 ? [] : null) : names.map((name) => ({ name, topicId: Buffer.alloc(16) })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const topics = parseMetadataResponse(res).topics.sort((a, b) => a.name.localeCompare(b.name));
    for (const t of topics) {
      if (t.errorCode !== ErrorCode.NONE) throw brokerError(t.errorCode, null, `describe topic '${t.name}'`);
    }
    const configs = opts.includeConfigs === false || topics.length === 0 ? new Map<string, ConfigEntry[]>() : await this.describeConfigs('topic', topics.map((t) => t.name));
    return topics.map((t) => ({ ...t, configs: configs.get(t.name) ?? [] }));
  }

  /** Config entries of topics or brokers, by resource name. */
  async describeConfigs(type: 'topic' | 'broker', names: readonly string[]): Promise<Map<string, ConfigEntry[]>> {
    const conn = await this.client.anyConnection();
    const version = conn.version(ApiKey.DescribeConfigs);
    const res = await conn.request(ApiKey.DescribeConfigs, version, {
      resources: names.map((resourceName) => ({ resourceType: RESOURCE_TYPE[type], resourceName, configurationKeys: null })),
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const out = new Map<string, ConfigEntry[]>();
    for (const r of res.results as Message[]) {
      if (r.errorCode !== ErrorCode.NONE) throw brokerError(r.errorCode, r.errorMessage, `describe configs of ${type} '${r.resourceName}'`);
      out.set(
        r.resourceName,
        (r.configs as Message[]).map((c) => {
          // v0 has only isDefault; later versions name the source.
          const source: ConfigSource = version === 0 ? (c.isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG') : (SOURCES[c.configSource] ?? 'UNKNOWN');
          return { name: c.name, value: c.value, source, isDefault: source === 'DEFAULT_CONFIG', readOnly: c.readOnly, isSensitive: c.isSensitive };
        }),
      );
    }
    return out;
  }
}
