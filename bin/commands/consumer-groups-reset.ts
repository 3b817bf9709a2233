/**
 * The plan of `consumer-groups --reset-offsets`: which partitions (--topic T[:p,...] or
 * --all-topics) and which new offset for each, by Kafka's scenarios (--to-earliest, --to-latest,
 * --to-current, --to-offset, --shift-by, --to-datetime, --by-duration). Requested offsets outside
 * the log are clamped to it, as Kafka's GroupOffsetsResetter does.
 */
import type { KafkaAdmin } from '../../broker/client/kafka-admin';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../broker/client/kafka-client';
import type { OffsetToCommit } from '../../broker/client/group-offsets';
import type { TopicPartition } from '../../broker/client/partition-fetcher';
import { ErrorCode, KafkaError } from '../../broker/protocol/error-codes';
import { UsageError, type ParsedArgs } from './args';

export const SCENARIOS = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'shift-by', 'to-datetime', 'by-duration'] as const;

/** `T` (every partition) or `T:0,2`. */
export function parseTopicArg(arg: string): { topic: string; partitions: number[] | null } {
  const colon = arg.indexOf(':');
  if (colon < 0) return { topic: arg, partitions: null };
  const parts = arg.split(':');
  if (parts.length !== 2 || parts[0] === '') throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = (parts[1] as string).split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}''`);
    return Number(p.trim());
  });
  return { topic: parts[0] as string, partitions };
}

/** Kafka's --to-datetime: 'YYYY-MM-DDTHH:mm:SS.sss', local time unless a zone (Z, +hh:mm) is given. */
export function parseDateTime(value: string): number {
  if (value.split('T').length !== 2) throw new UsageError("Error parsing timestamp. It does not contain a 'T' according to ISO8601 format");
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`Error parsing timestamp '${value}': expected YYYY-MM-DDTHH:mm:SS.sss with an optional zone (Z or +hh:mm)`);
  return ms;
}

/** Java's Duration.parse for --by-duration: PnDTnHnMn.nS (a leading '-' is not allowed here). */
export function parseDuration(value: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(value.trim());
  if (!m || value.trim().toUpperCase() === 'P' || /T$/i.test(value.trim())) throw new UsageError(`Error parsing duration '${value}': expected ISO-8601 such as PT1H30M or P1D`);
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60000 + Math.round(Number(s ?? 0) * 1000);
}

/** The single reset scenario given, or a UsageError. */
export function resetScenario(args: ParsedArgs): (typeof SCENARIOS)[number] {
  const given = SCENARIOS.filter((s) => args.has(s));
  if (given.length !== 1) throw new UsageError(`Option [reset-offsets] takes exactly one of these options: ${SCENARIOS.map((s) => `--${s}`).join(', ')}`);
  return given[0] as (typeof SCENARIOS)[number];
}

function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/** The partitions a reset applies to. */
export async function partitionsToReset(admin: KafkaAdmin, groupId: string, args: ParsedArgs): Promise<TopicPartition[]> {
  if (args.has('all-topics')) return (await admin.fetchOffsets(groupId)).map((o) => ({ topic: o.topic, partition: o.partition }));
  const out: TopicPartition[] = [];
  for (const arg of args.list('topic')) {
    const { topic, partitions } = parseTopicArg(arg);
    const meta = await admin.client.topic(topic);
    const existing = new Set(meta.partitions.map((p) => p.partition));
    for (const p of partitions ?? [...existing]) {
      if (!existing.has(p)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${topic}-${p} does not exist (topic '${topic}' has ${existing.size} partitions)`);
      out.push({ topic, partition: p });
    }
  }
  const seen = new Set<string>();
  return out.filter((tp) => !seen.has(tpKey(tp)) && seen.add(tpKey(tp)));
}

/** Offsets for a timestamp (-2 earliest, -1 latest, else the first at or after it; -1 when none) per partition. */
async function offsetsAt(admin: KafkaAdmin, partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>> {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  const out = new Map<string, number>();
  for (const [topic, list] of byTopic) {
    for (const o of await admin.client.listOffsets(topic, list, timestamp)) out.set(tpKey({ topic, partition: o.partition }), o.offset);
  }
  return out;
}

/** The new offset of each partition (sorted by topic and partition). */
export async function planReset(admin: KafkaAdmin, groupId: string, partitions: readonly TopicPartition[], args: ParsedArgs, warn: (line: string) => void): Promise<OffsetToCommit[]> {
  const scenario = resetScenario(args);
  const sorted = [...partitions].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  if (sorted.length === 0) return [];
  const earliest = await offsetsAt(admin, sorted, EARLIEST_TIMESTAMP);
  const latest = await offsetsAt(admin, sorted, LATEST_TIMESTAMP);
  const clamp = (tp: TopicPartition, offset: number): number => Math.min(Math.max(offset, earliest.get(tpKey(tp)) ?? 0), latest.get(tpKey(tp)) ?? offset);
  const committed = new Map((scenario === 'to-current' || scenario === 'shift-by' ? await admin.fetchOffsets(groupId) : []).map((o) => [tpKey(o), o.offset]));
  let at: Map<string, number> | null = null;
  if (scenario === 'to-datetime' || scenario === 'by-duration') {
    const ts = scenario === 'to-datetime' ? parseDateTime(args.required('to-datetime')) : Date.now() - parseDuration(args.required('by-duration'));
    at = await offsetsAt(admin, sorted, ts);
  }
  return sorted.map((tp) => {
    const k = tpKey(tp);
    let offset: number;
    switch (scenario) {
      case 'to-earliest':
        offset = earliest.get(k) as number;
        break;
      case 'to-latest':
        offset = latest.get(k) as number;
        break;
      case 'to-current':
        offset = committed.get(k) ?? (latest.get(k) as number);
        break;
      case 'to-offset':
        offset = clamp(tp, args.int('to-offset') as number);
        break;
      case 'shift-by': {
        const current = committed.get(k);
        if (current === undefined) throw new UsageError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`);
        offset = clamp(tp, current + (args.int('shift-by') as number));
        break;
      }
      default: {
        const found = (at as Map<string, number>).get(k) ?? -1;
        if (found < 0) warn(`\nWarn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`);
        offset = found < 0 ? (latest.get(k) as number) : found;
      }
    }
    return { topic: tp.topic, partition: tp.partition, offset };
  });
}
