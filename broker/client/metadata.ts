/** The cluster view a client keeps: brokers, the controller, and each topic's partitions and leaders. */
import type { Message } from '../protocol/codec';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicMetadata {
  name: string;
  /** Kafka's textual topic id (URL-safe base64 of the 16 bytes), or null when the broker did not send one. */
  topicId: string | null;
  isInternal: boolean;
  errorCode: number;
  partitions: PartitionMetadata[];
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerNode>;
  topics: Map<string, TopicMetadata>;
}

/** Kafka's Uuid.toString(): URL-safe base64 without padding; the all-zero id means "none". */
export function topicIdString(id: Buffer | null | undefined): string | null {
  if (!id || id.length !== 16 || id.every((b) => b === 0)) return null;
  return id.toString('base64url');
}

/** Kafka's text for the all-zero topic id. */
export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function parseMetadataResponse(res: Message): { clusterId: string | null; controllerId: number; brokers: BrokerNode[]; topics: TopicMetadata[] } {
  const brokers: BrokerNode[] = (res.brokers as Message[]).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }));
  const topics: TopicMetadata[] = (res.topics as Message[]).map((t) => ({
    name: t.name,
    topicId: topicIdString(t.topicId),
    isInternal: Boolean(t.isInternal),
    errorCode: t.errorCode,
    partitions: (t.partitions as Message[])
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes ?? [],
        isr: p.isrNodes ?? [],
        offlineReplicas: p.offlineReplicas ?? [],
        errorCode: p.errorCode,
      }))
      .sort((a, b) => a.partition - b.partition),
  }));
  return { clusterId: res.clusterId ?? null, controllerId: res.controllerId ?? -1, brokers, topics };
}

/**
 * Parses `bootstrap.servers`: a comma-separated list of host:port (an optional `PLAINTEXT://` prefix
 * and IPv6 literals in brackets are accepted).
 */
export function parseBootstrapServers(value: string | readonly string[]): Array<{ host: string; port: number }> {
  const items = (typeof value === 'string' ? value.split(',') : value).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error('bootstrap.servers is empty');
  return items.map((item) => {
    const bare = item.replace(/^[A-Za-z_]+:\/\//, '');
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(bare);
    if (!m) throw new Error(`invalid bootstrap server "${item}": expected host:port`);
    const port = Number(m[3]);
    if (port <= 0 || port > 65535) throw new Error(`invalid port in bootstrap server "${item}"`);
    return { host: (m[1] ?? m[2]) as string, port };
  });
}
