/**
 * What the log directory records about the broker and its topics, apart from the partition data:
 * `meta.properties` (cluster.id generated once, node.id) and one `__topics/<topic>.json` per topic
 * (name, topic id, partition count, config overrides). Files are replaced atomically.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, KafkaError } from '../protocol/error-codes';
import { writeFileAtomic } from './log-files';

export const TOPICS_DIR = '__topics';
export const META_PROPERTIES = 'meta.properties';
const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export interface TopicMetadata {
  name: string;
  /** 16 bytes (Kafka Uuid). */
  topicId: Buffer;
  partitions: number;
  /** Topic-level overrides only. */
  configs: Record<string, string>;
  /** Names starting with "__" (__consumer_offsets and the like). */
  internal: boolean;
}

interface StoredTopic {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/** Kafka's topic name rules; throws INVALID_TOPIC_EXCEPTION with the reason. */
export function validateTopicName(name: string): void {
  const invalid = (why: string): never => {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Invalid topic name ${JSON.stringify(name)}: ${why}`);
  };
  if (typeof name !== 'string' || name.length === 0) invalid('the name is empty');
  if (name === '.' || name === '..') invalid('"." and ".." are not allowed');
  if (name.length > MAX_TOPIC_NAME_LENGTH) invalid(`the name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`);
  if (!LEGAL_TOPIC_NAME.test(name)) invalid("legal characters are ASCII letters, digits, '.', '_' and '-'");
}

/** '.' and '_' collide in metric names, so Kafka refuses topics that differ only by them. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

/** Kafka's Uuid string form: unpadded base64url of 16 random bytes (22 characters). */
export function randomKafkaUuid(): Buffer {
  for (;;) {
    const id = crypto.randomBytes(16);
    // The all-zero id means "none" in the protocol; Kafka also avoids ids starting with '-'.
    if (!id.equals(Buffer.alloc(16)) && !id.toString('base64url').startsWith('-')) return id;
  }
}

function topicFile(logDir: string, name: string): string {
  return path.join(logDir, TOPICS_DIR, `${name}.json`);
}

export async function saveTopic(logDir: string, topic: TopicMetadata): Promise<void> {
  await fs.promises.mkdir(path.join(logDir, TOPICS_DIR), { recursive: true });
  const stored: StoredTopic = {
    name: topic.name,
    topicId: topic.topicId.toString('hex'),
    partitions: topic.partitions,
    configs: topic.configs,
  };
  await writeFileAtomic(topicFile(logDir, topic.name), `${JSON.stringify(stored, null, 2)}\n`);
}

export async function removeTopicFile(logDir: string, name: string): Promise<void> {
  await fs.promises.rm(topicFile(logDir, name), { force: true });
}

/** Loads every stored topic; unreadable files are reported through `onError` and skipped. */
export async function loadTopics(logDir: string, onError: (file: string, err: Error) => void): Promise<TopicMetadata[]> {
  const dir = path.join(logDir, TOPICS_DIR);
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const topics: TopicMetadata[] = [];
  for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const stored = JSON.parse(await fs.promises.readFile(path.join(dir, file), 'utf8')) as StoredTopic;
      validateTopicName(stored.name);
      if (!Number.isInteger(stored.partitions) || stored.partitions < 1) throw new Error(`bad partition count ${stored.partitions}`);
      if (!/^[0-9a-f]{32}$/.test(stored.topicId)) throw new Error(`bad topic id ${stored.topicId}`);
      topics.push({
        name: stored.name,
        topicId: Buffer.from(stored.topicId, 'hex'),
        partitions: stored.partitions,
        configs: { ...(stored.configs ?? {}) },
        internal: isInternalTopic(stored.name),
      });
    } catch (err) {
      onError(path.join(TOPICS_DIR, file), err as Error);
    }
  }
  return topics;
}

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
}

function parseSimpleProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/**
 * Reads meta.properties, or writes it on first start with a new cluster id. A log directory that
 * belongs to another node id is refused rather than silently adopted.
 */
export async function loadOrCreateMetaProperties(logDir: string, nodeId: number): Promise<MetaProperties> {
  const file = path.join(logDir, META_PROPERTIES);
  let text: string | null = null;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== null) {
    const props = parseSimpleProperties(text);
    const clusterId = props['cluster.id'];
    const storedNode = Number(props['node.id'] ?? props['broker.id']);
    if (clusterId && Number.isInteger(storedNode)) {
      if (storedNode !== nodeId) {
        throw new Error(`${file} belongs to node.id=${storedNode}, but this broker is configured with node.id=${nodeId}`);
      }
      return { clusterId, nodeId };
    }
  }
  const clusterId = randomKafkaUuid().toString('base64url');
  const body = `#\n#Written by Sluice on first start\nversion=1\nnode.id=${nodeId}\ncluster.id=${clusterId}\n`;
  await writeFileAtomic(file, body);
  return { clusterId, nodeId };
}
