/**
 * Debezium's topic names for a PostgreSQL connector (SchemaTopicNamingStrategy with the default "." delimiter).
 * The data topic name, sanitised, is also the prefix of the table's key, value and envelope schema names.
 */

/** Kafka's longest legal topic name. */
const MAX_TOPIC_NAME_LENGTH = 249;

function isLegal(c: string): boolean {
  return /^[A-Za-z0-9._-]$/.test(c);
}

/** Replaces characters Kafka does not allow in topic names with `_` (and `.`/`..` as a whole), as Debezium does. */
export function sanitizeTopicName(name: string): string {
  let out = '';
  // Per UTF-16 unit, as Java iterates strings.
  for (let i = 0; i < name.length; i++) out += isLegal(name[i] as string) ? name[i] : '_';
  if (out.length > MAX_TOPIC_NAME_LENGTH) return out.slice(0, MAX_TOPIC_NAME_LENGTH);
  if (out === '.') return '_';
  if (out === '..') return '__';
  return out;
}

/** `<topic.prefix>.<schema>.<table>`; empty parts are skipped. */
export function dataTopicName(topicPrefix: string, schema: string, table: string): string {
  return sanitizeTopicName([topicPrefix, schema, table].filter((p) => p.trim() !== '').join('.'));
}

/** `<topic.prefix>.message`: where pg_logical_emit_message() events go. */
export function messageTopicName(topicPrefix: string): string {
  return `${topicPrefix}.message`;
}

/** `<topic.prefix>.<topic.transaction>`: transaction BEGIN/END events. */
export function transactionTopicName(topicPrefix: string, suffix = 'transaction'): string {
  return `${topicPrefix}.${suffix}`;
}

/** `<topic.heartbeat.prefix>.<topic.prefix>`: heartbeat records. */
export function heartbeatTopicName(topicPrefix: string, heartbeatPrefix = '__debezium-heartbeat'): string {
  return `${heartbeatPrefix}.${topicPrefix}`;
}
