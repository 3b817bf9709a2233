/**
 * The records of `__consumer_offsets` in Kafka's formats (GroupCoordinatorRecordSerde): a key of
 * `version:int16` + fields picks the record type (0/1: a committed offset, 2: group metadata), the
 * value is `version:int16` + fields, and a null value deletes. Writing Kafka's bytes keeps the topic
 * readable by Kafka's own tools and lets compaction treat each group and partition as one key.
 */
import { decode, encode, type Message } from '../protocol/codec';
import { MalformedMessageError } from '../protocol/primitives';
import { GroupMetadataKey, GroupMetadataValue, OffsetCommitKey, OffsetCommitValue } from '../protocol/messages';

/** Key versions: 0 and 1 are offset commits (same layout), 2 is group metadata. */
const OFFSET_KEY_VERSION = 1;
const GROUP_KEY_VERSION = 2;
/** v3 carries the leader epoch and no expire timestamp, as Kafka writes since 2.1. */
const OFFSET_VALUE_VERSION = 3;
/** v3 carries group.instance.id, as Kafka writes since 2.3. */
const GROUP_VALUE_VERSION = 3;

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface StoredGroup {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  currentStateTimestamp: number;
  members: StoredMember[];
}

export type GroupRecord =
  | { kind: 'offset'; groupId: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: 'group'; groupId: string; value: StoredGroup | null };

export interface KeyValue {
  key: Buffer;
  value: Buffer | null;
}

function versioned(version: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

export function offsetRecord(groupId: string, topic: string, partition: number, value: CommittedOffset | null): KeyValue {
  const key = versioned(OFFSET_KEY_VERSION, encode(OffsetCommitKey, OFFSET_KEY_VERSION, { group: groupId, topic, partition }));
  if (value === null) return { key, value: null };
  const body = encode(OffsetCommitValue, OFFSET_VALUE_VERSION, {
    offset: value.offset,
    leaderEpoch: value.leaderEpoch,
    metadata: value.metadata,
    commitTimestamp: value.commitTimestamp,
  });
  return { key, value: versioned(OFFSET_VALUE_VERSION, body) };
}

export function groupRecord(groupId: string, value: StoredGroup | null): KeyValue {
  const key = versioned(GROUP_KEY_VERSION, encode(GroupMetadataKey, GROUP_KEY_VERSION, { group: groupId }));
  if (value === null) return { key, value: null };
  const body = encode(GroupMetadataValue, GROUP_VALUE_VERSION, {
    protocolType: value.protocolType,
    generation: value.generationId,
    protocol: value.protocolName,
    leader: value.leaderId,
    currentStateTimestamp: value.currentStateTimestamp,
    members: value.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  });
  return { key, value: versioned(GROUP_VALUE_VERSION, body) };
}

/**
 * Decodes one stored record. Returns null for key versions this broker does not use (Kafka's newer
 * consumer-group and share-group records), which are skipped rather than treated as corruption.
 */
export function parseGroupRecord(key: Buffer | null, value: Buffer | null): GroupRecord | null {
  if (key === null || key.length < 2) throw new MalformedMessageError('a __consumer_offsets record has no key version');
  const keyVersion = key.readInt16BE(0);
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decode(OffsetCommitKey, keyVersion, key, 2);
    return { kind: 'offset', groupId: k.group, topic: k.topic, partition: k.partition, value: value === null ? null : parseOffsetValue(value) };
  }
  if (keyVersion === GROUP_KEY_VERSION) {
    const k = decode(GroupMetadataKey, keyVersion, key, 2);
    return { kind: 'group', groupId: k.group, value: value === null ? null : parseGroupValue(value) };
  }
  return null;
}

function valueVersion(value: Buffer, max: number, what: string): number {
  if (value.length < 2) throw new MalformedMessageError(`${what} value has no version`);
  const version = value.readInt16BE(0);
  if (version < 0 || version > max) throw new MalformedMessageError(`${what} value version ${version} is unknown`);
  return version;
}

function parseOffsetValue(value: Buffer): CommittedOffset {
  const v = decode(OffsetCommitValue, valueVersion(value, 4, 'offset commit'), value, 2);
  return { offset: Number(v.offset), leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: Number(v.commitTimestamp) };
}

function parseGroupValue(value: Buffer): StoredGroup {
  const v = decode(GroupMetadataValue, valueVersion(value, 4, 'group metadata'), value, 2);
  return {
    protocolType: v.protocolType,
    generationId: v.generation,
    protocolName: v.protocol,
    leaderId: v.leader,
    currentStateTimestamp: Number(v.currentStateTimestamp),
    members: (v.members as Message[]).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeout,
      sessionTimeoutMs: m.sessionTimeout,
      subscription: m.subscription,
      assignment: m.assignment,
    })),
  };
}

/** Java's String.hashCode over UTF-16 code units, which decides a group's partition in Kafka. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Utils.abs(groupId.hashCode()) % partitions, with abs(MIN_VALUE) = 0 as in Kafka. */
export function partitionForGroup(groupId: string, partitions: number): number {
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}
