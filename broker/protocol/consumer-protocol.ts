/**
 * The consumer protocol's embedded bytes: the Subscription a member sends in JoinGroup's protocol
 * metadata and the Assignment the leader hands out through SyncGroup. Both are a version (int16)
 * followed by the schema's fields in the classic (never flexible) encoding. Readers accept versions
 * newer than the schemas know by parsing the known prefix and ignoring the rest, as Kafka's own
 * ConsumerProtocol does; an empty assignment means "no partitions" (what kafkajs sends).
 */
import { codecFor } from './codec';
import { ConsumerProtocolAssignment } from './messages/consumer-protocol-assignment';
import { ConsumerProtocolSubscription } from './messages/consumer-protocol-subscription';
import { MalformedMessageError, Reader, Writer } from './primitives';
import { parseVersions } from './schema';

/** protocol_type of consumer groups in JoinGroup. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  /** The version the bytes carried (possibly newer than the schema). */
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** v1+. */
  ownedPartitions: TopicPartitions[];
  /** v2+; -1 when absent. */
  generationId: number;
  /** v3+. */
  rackId: string | null;
}

export interface ConsumerAssignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

const SUBSCRIPTION_MAX = parseVersions(ConsumerProtocolSubscription.validVersions).max;
const ASSIGNMENT_MAX = parseVersions(ConsumerProtocolAssignment.validVersions).max;

function readVersion(buf: Buffer, what: string): { version: number; reader: Reader } {
  const reader = new Reader(buf);
  const version = reader.int16();
  if (version < 0) throw new MalformedMessageError(`${what} has negative version ${version}`);
  return { version, reader };
}

function checkVersion(version: number, max: number, what: string): void {
  if (!Number.isInteger(version) || version < 0 || version > max) throw new RangeError(`${what} version ${version} is not one of 0-${max}`);
}

export function encodeSubscription(sub: Partial<ConsumerSubscription> & { topics: readonly string[] }, version = sub.version ?? 0): Buffer {
  checkVersion(version, SUBSCRIPTION_MAX, 'consumer protocol subscription');
  const w = new Writer(64);
  w.int16(version);
  codecFor(ConsumerProtocolSubscription, version).write(w, {
    topics: sub.topics,
    userData: sub.userData ?? null,
    ownedPartitions: sub.ownedPartitions ?? [],
    generationId: sub.generationId ?? -1,
    rackId: sub.rackId ?? null,
  });
  return w.toBuffer();
}

/** Decodes a member's subscription; throws MalformedMessageError for bytes that are not one. */
export function decodeSubscription(buf: Buffer): ConsumerSubscription {
  const { version, reader } = readVersion(buf, 'consumer protocol subscription');
  const m = codecFor(ConsumerProtocolSubscription, Math.min(version, SUBSCRIPTION_MAX)).read(reader);
  return {
    version,
    topics: m.topics,
    userData: m.userData ?? null,
    ownedPartitions: (m.ownedPartitions ?? []).map((p: TopicPartitions) => ({ topic: p.topic, partitions: p.partitions })),
    generationId: m.generationId,
    rackId: m.rackId ?? null,
  };
}

export function encodeAssignment(assignment: Partial<ConsumerAssignment> & { assignedPartitions: readonly TopicPartitions[] }, version = assignment.version ?? 0): Buffer {
  checkVersion(version, ASSIGNMENT_MAX, 'consumer protocol assignment');
  const w = new Writer(64);
  w.int16(version);
  codecFor(ConsumerProtocolAssignment, version).write(w, { assignedPartitions: assignment.assignedPartitions, userData: assignment.userData ?? null });
  return w.toBuffer();
}

/** Decodes an assignment; empty bytes are an empty assignment. */
export function decodeAssignment(buf: Buffer | null | undefined): ConsumerAssignment {
  if (!buf || buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const { version, reader } = readVersion(buf, 'consumer protocol assignment');
  const m = codecFor(ConsumerProtocolAssignment, Math.min(version, ASSIGNMENT_MAX)).read(reader);
  return {
    version,
    assignedPartitions: (m.assignedPartitions as TopicPartitions[]).map((p) => ({ topic: p.topic, partitions: p.partitions })),
    userData: m.userData ?? null,
  };
}
