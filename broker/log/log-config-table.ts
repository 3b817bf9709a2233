/**
 * Topic-level log configuration, declared once: Kafka's name, DescribeConfigs type, default,
 * broker-level synonyms, validator and doc. Everything else (resolution, validation, DescribeConfigs
 * listings) is derived from this table in log-config.ts.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/** A broker property that supplies the topic default; `scale` converts its unit (hours, minutes) to the topic's. */
export interface BrokerSynonym {
  name: string;
  scale?: number;
}

export interface LogConfigDef<K extends string = string> {
  name: string;
  /** Property of the typed LogConfig object. */
  key: K;
  type: ConfigType;
  /** Kafka's default, as the string DescribeConfigs shows. */
  default: string;
  /** In precedence order: the first one present in the broker properties wins. */
  synonyms: readonly BrokerSynonym[];
  /** Checks the parsed value; returns a problem description or null. */
  check?: (value: ConfigValue) => string | null;
  doc: string;
}

export type ConfigValue = number | boolean | string | string[];

export const LONG_MAX = '9223372036854775807';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const atLeast = (min: number) => (v: ConfigValue) => ((v as number) >= min ? null : `must be at least ${min}`);
const between = (min: number, max: number) => (v: ConfigValue) =>
  (v as number) >= min && (v as number) <= max ? null : `must be between ${min} and ${max}`;
const oneOf = (...allowed: string[]) => (v: ConfigValue) =>
  allowed.includes(v as string) ? null : `must be one of ${allowed.join(', ')}`;
const listOf = (...allowed: string[]) => (v: ConfigValue) => {
  const bad = (v as string[]).filter((item) => !allowed.includes(item));
  return bad.length === 0 ? null : `contains ${bad.join(', ')}; allowed values are ${allowed.join(', ')}`;
};

/**
 * The table. `as const satisfies` keeps each `key` literal so that the LogConfig type below is
 * derived from it instead of being declared a second time.
 */
export const LOG_CONFIG_DEFS = [
  {
    name: 'cleanup.policy', key: 'cleanupPolicy', type: 'LIST', default: 'delete',
    synonyms: [{ name: 'log.cleanup.policy' }], check: listOf('delete', 'compact'),
    doc: 'delete: remove old segments by retention; compact: keep the latest record per key; or both.',
  },
  {
    name: 'compression.type', key: 'compressionType', type: 'STRING', default: 'producer',
    synonyms: [{ name: 'compression.type' }], check: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    doc: "Final compression of the topic's data; producer keeps the codec the producer chose.",
  },
  {
    name: 'delete.retention.ms', key: 'deleteRetentionMs', type: 'LONG', default: '86400000',
    synonyms: [{ name: 'log.cleaner.delete.retention.ms' }], check: atLeast(0),
    doc: 'How long tombstones are kept on compacted topics so that consumers can see the deletion.',
  },
  {
    name: 'file.delete.delay.ms', key: 'fileDeleteDelayMs', type: 'LONG', default: '60000',
    synonyms: [{ name: 'log.segment.delete.delay.ms' }], check: atLeast(0),
    doc: 'Time to wait before deleting a file from the filesystem.',
  },
  {
    name: 'flush.messages', key: 'flushMessages', type: 'LONG', default: LONG_MAX,
    synonyms: [{ name: 'log.flush.interval.messages' }], check: atLeast(1),
    doc: 'Force an fsync after this many messages; acknowledgements wait for it (group commit).',
  },
  {
    name: 'flush.ms', key: 'flushMs', type: 'LONG', default: LONG_MAX,
    synonyms: [{ name: 'log.flush.interval.ms' }], check: atLeast(0),
    doc: 'Force an fsync when data is this old; 0 means every append is acknowledged only once durable.',
  },
  {
    name: 'follower.replication.throttled.replicas', key: 'followerReplicationThrottledReplicas', type: 'LIST',
    default: '', synonyms: [],
    doc: 'Replicas throttled on the follower side (accepted for compatibility; single node).',
  },
  {
    name: 'index.interval.bytes', key: 'indexIntervalBytes', type: 'INT', default: '4096',
    synonyms: [{ name: 'log.index.interval.bytes' }], check: atLeast(0),
    doc: 'Bytes of log data between two entries of the offset index.',
  },
  {
    name: 'leader.replication.throttled.replicas', key: 'leaderReplicationThrottledReplicas', type: 'LIST',
    default: '', synonyms: [],
    doc: 'Replicas throttled on the leader side (accepted for compatibility; single node).',
  },
  {
    name: 'max.compaction.lag.ms', key: 'maxCompactionLagMs', type: 'LONG', default: LONG_MAX,
    synonyms: [{ name: 'log.cleaner.max.compaction.lag.ms' }], check: atLeast(1),
    doc: 'Maximum time a record may remain uncompacted.',
  },
  {
    name: 'max.message.bytes', key: 'maxMessageBytes', type: 'INT', default: '1048588',
    synonyms: [{ name: 'message.max.bytes' }], check: atLeast(0),
    doc: 'Largest record batch size allowed, in bytes.',
  },
  {
    name: 'message.timestamp.after.max.ms', key: 'messageTimestampAfterMaxMs', type: 'LONG', default: LONG_MAX,
    synonyms: [{ name: 'log.message.timestamp.after.max.ms' }], check: atLeast(0),
    doc: 'How far in the future a CreateTime timestamp may be compared with the broker clock.',
  },
  {
    name: 'message.timestamp.before.max.ms', key: 'messageTimestampBeforeMaxMs', type: 'LONG', default: LONG_MAX,
    synonyms: [{ name: 'log.message.timestamp.before.max.ms' }], check: atLeast(0),
    doc: 'How far in the past a CreateTime timestamp may be compared with the broker clock.',
  },
  {
    name: 'message.timestamp.type', key: 'messageTimestampType', type: 'STRING', default: 'CreateTime',
    synonyms: [{ name: 'log.message.timestamp.type' }], check: oneOf('CreateTime', 'LogAppendTime'),
    doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker time on append.",
  },
  {
    name: 'min.cleanable.dirty.ratio', key: 'minCleanableDirtyRatio', type: 'DOUBLE', default: '0.5',
    synonyms: [{ name: 'log.cleaner.min.cleanable.ratio' }], check: between(0, 1),
    doc: 'Minimum ratio of uncompacted bytes to total bytes before the log is compacted.',
  },
  {
    name: 'min.compaction.lag.ms', key: 'minCompactionLagMs', type: 'LONG', default: '0',
    synonyms: [{ name: 'log.cleaner.min.compaction.lag.ms' }], check: atLeast(0),
    doc: 'Minimum time a record remains uncompacted.',
  },
  {
    name: 'min.insync.replicas', key: 'minInsyncReplicas', type: 'INT', default: '1',
    synonyms: [{ name: 'min.insync.replicas' }], check: atLeast(1),
    doc: 'Minimum in-sync replicas for an acks=all produce to succeed.',
  },
  {
    name: 'preallocate', key: 'preallocate', type: 'BOOLEAN', default: 'false',
    synonyms: [{ name: 'log.preallocate' }],
    doc: 'Preallocate segment files (accepted for compatibility; segments grow as written).',
  },
  {
    name: 'retention.bytes', key: 'retentionBytes', type: 'LONG', default: '-1',
    synonyms: [{ name: 'log.retention.bytes' }],
    doc: 'Maximum partition size before old segments are deleted; -1 means no size limit.',
  },
  {
    name: 'retention.ms', key: 'retentionMs', type: 'LONG', default: '604800000',
    synonyms: [
      { name: 'log.retention.ms' },
      { name: 'log.retention.minutes', scale: MINUTE_MS },
      { name: 'log.retention.hours', scale: HOUR_MS },
    ],
    check: atLeast(-1),
    doc: 'Maximum age of a segment (by its largest timestamp) before deletion; -1 means no time limit.',
  },
  {
    name: 'segment.bytes', key: 'segmentBytes', type: 'INT', default: '1073741824',
    synonyms: [{ name: 'log.segment.bytes' }], check: atLeast(14),
    doc: 'Segment file size at which the log rolls to a new segment.',
  },
  {
    name: 'segment.index.bytes', key: 'segmentIndexBytes', type: 'INT', default: '10485760',
    synonyms: [{ name: 'log.index.size.max.bytes' }], check: atLeast(4),
    doc: 'Maximum size of an offset index; the segment rolls when its index is full.',
  },
  {
    name: 'segment.jitter.ms', key: 'segmentJitterMs', type: 'LONG', default: '0',
    synonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', scale: HOUR_MS }], check: atLeast(0),
    doc: 'Maximum random jitter subtracted from segment.ms (accepted; no jitter is applied).',
  },
  {
    name: 'segment.ms', key: 'segmentMs', type: 'LONG', default: '604800000',
    synonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', scale: HOUR_MS }], check: atLeast(1),
    doc: 'Age at which the active segment is rolled even if it is not full.',
  },
  {
    name: 'unclean.leader.election.enable', key: 'uncleanLeaderElectionEnable', type: 'BOOLEAN', default: 'false',
    synonyms: [{ name: 'unclean.leader.election.enable' }],
    doc: 'Allow out-of-sync replicas to become leader (accepted for compatibility; single node).',
  },
] as const satisfies readonly LogConfigDef[];

type Def = (typeof LOG_CONFIG_DEFS)[number];
type ValueOf<T extends ConfigType> = T extends 'BOOLEAN' ? boolean : T extends 'LIST' ? string[] : T extends 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' ? number : string;

/**
 * The resolved, typed topic configuration. LONG values that mean "never" (Long.MAX_VALUE) become
 * 9.223372036854776e18, which compares larger than any real count or duration.
 */
export type LogConfig = { readonly [D in Def as D['key']]: ValueOf<D['type']> };
export type LogConfigKey = Def['key'];
