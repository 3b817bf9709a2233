/**
 * The framework-level connector settings every connector accepts (Kafka's ConnectorConfig, SinkConnectorConfig
 * and SourceConnectorConfig), with Kafka's names, types, defaults, groups and order so that the validate endpoint
 * answers like Kafka Connect. The runtime merges these with each connector's own ConfigDef.
 */
import { ConfigDef } from './config-def';
import { NO_DEFAULT } from './config-types';
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  LambdaValidator,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidString,
} from './config-validators';
import { ConfigError } from './errors';

export const ConnectorConfigKeys = {
  NAME: 'name',
  CONNECTOR_CLASS: 'connector.class',
  TASKS_MAX: 'tasks.max',
  TASKS_MAX_ENFORCE: 'tasks.max.enforce',
  KEY_CONVERTER: 'key.converter',
  VALUE_CONVERTER: 'value.converter',
  HEADER_CONVERTER: 'header.converter',
  TRANSFORMS: 'transforms',
  PREDICATES: 'predicates',
  CONFIG_RELOAD_ACTION: 'config.action.reload',
  ERRORS_RETRY_TIMEOUT: 'errors.retry.timeout',
  ERRORS_RETRY_MAX_DELAY: 'errors.retry.delay.max.ms',
  ERRORS_TOLERANCE: 'errors.tolerance',
  ERRORS_LOG_ENABLE: 'errors.log.enable',
  ERRORS_LOG_INCLUDE_MESSAGES: 'errors.log.include.messages',
  TOPICS: 'topics',
  TOPICS_REGEX: 'topics.regex',
  DLQ_TOPIC_NAME: 'errors.deadletterqueue.topic.name',
  DLQ_TOPIC_REPLICATION_FACTOR: 'errors.deadletterqueue.topic.replication.factor',
  DLQ_CONTEXT_HEADERS_ENABLE: 'errors.deadletterqueue.context.headers.enable',
  TOPIC_CREATION_GROUPS: 'topic.creation.groups',
  EXACTLY_ONCE_SUPPORT: 'exactly.once.support',
  TRANSACTION_BOUNDARY: 'transaction.boundary',
  TRANSACTION_BOUNDARY_INTERVAL: 'transaction.boundary.interval.ms',
  OFFSETS_STORAGE_TOPIC: 'offsets.storage.topic',
} as const;

/** Sluice's automatic restart of failed tasks (not in Kafka Connect; off by default). */
export const ErrorRestartKeys = {
  ENABLE: 'errors.restart.enable',
  BACKOFF_INITIAL_MS: 'errors.restart.backoff.initial.ms',
  BACKOFF_MAX_MS: 'errors.restart.backoff.max.ms',
} as const;

export const ConnectorConfigGroups = {
  COMMON: 'Common',
  TRANSFORMS: 'Transforms',
  PREDICATES: 'Predicates',
  ERROR_HANDLING: 'Error Handling',
  TOPIC_CREATION: 'Topic Creation',
  EXACTLY_ONCE_SUPPORT: 'Exactly Once Support',
  OFFSETS_TOPIC: 'offsets.topic',
} as const;

/** Prefixes of per-connector client overrides, checked by the worker's override policy. */
export const CLIENT_OVERRIDE_PREFIXES = ['producer.override.', 'consumer.override.', 'admin.override.'] as const;

const K = ConnectorConfigKeys;
const G = ConnectorConfigGroups;

/** A LIST of aliases in which no alias repeats (the `transforms`, `predicates` and topic creation group lists). */
export function uniqueAliasesValidator(kind: string): CompositeValidator {
  return CompositeValidator.of(
    new NonNullValidator(),
    LambdaValidator.with(
      (name, value) => {
        if (Array.isArray(value) && new Set(value).size < value.length) {
          throw ConfigError.invalidValue(name, value, 'Duplicate alias provided.');
        }
      },
      { description: `unique ${kind} aliases`, jsonSchema: { uniqueItems: true }, acceptsNull: false },
    ),
  );
}

const regexValidator = LambdaValidator.with(
  (name, value) => {
    if (typeof value !== 'string' || value === '') return;
    try {
      new RegExp(value);
    } catch (err) {
      throw ConfigError.invalidValue(name, value, `Invalid regex: ${(err as Error).message}`);
    }
  },
  { description: 'valid regex' },
);

/** The settings shared by every connector: name, class, tasks.max, converters, transforms, predicates, errors.*. */
export function connectorCommonConfigDef(): ConfigDef {
  let order = 0;
  let errorOrder = 0;
  return new ConfigDef()
    .define({
      name: K.NAME, type: 'STRING', default: NO_DEFAULT, validator: new NonEmptyStringWithoutControlChars(), importance: 'HIGH',
      documentation: 'Globally unique name to use for this connector.', group: G.COMMON, orderInGroup: ++order, width: 'MEDIUM',
      displayName: 'Connector name',
    })
    .define({
      name: K.CONNECTOR_CLASS, type: 'STRING', default: NO_DEFAULT, importance: 'HIGH',
      documentation:
        'Name or alias of the connector class. Besides the fully qualified name, the simple class name and the simple name ' +
        'without the "Connector" suffix are accepted (e.g. "FileStreamSink" for org.apache.kafka.connect.file.FileStreamSinkConnector).',
      group: G.COMMON, orderInGroup: ++order, width: 'LONG', displayName: 'Connector class',
    })
    .define({
      name: K.TASKS_MAX, type: 'INT', default: 1, validator: Range.atLeast(1), importance: 'HIGH',
      documentation: 'Maximum number of tasks to use for this connector.', group: G.COMMON, orderInGroup: ++order, width: 'SHORT',
      displayName: 'Tasks max',
    })
    .define({
      name: K.TASKS_MAX_ENFORCE, type: 'BOOLEAN', default: true, importance: 'LOW',
      documentation:
        '(Deprecated) Whether a connector that generates more task configs than tasks.max is failed. When false, the extra ' +
        'tasks are allowed to run.',
      group: G.COMMON, orderInGroup: ++order, width: 'SHORT', displayName: 'Enforce tasks max',
    })
    .define({
      name: K.KEY_CONVERTER, type: 'CLASS', default: null, importance: 'LOW',
      documentation:
        'Converter between Connect data and the serialized record keys written to or read from Kafka. Overrides the worker setting.',
      group: G.COMMON, orderInGroup: ++order, width: 'SHORT', displayName: 'Key converter class',
    })
    .define({
      name: K.VALUE_CONVERTER, type: 'CLASS', default: null, importance: 'LOW',
      documentation:
        'Converter between Connect data and the serialized record values written to or read from Kafka. Overrides the worker setting.',
      group: G.COMMON, orderInGroup: ++order, width: 'SHORT', displayName: 'Value converter class',
    })
    .define({
      name: K.HEADER_CONVERTER, type: 'CLASS', default: null, importance: 'LOW',
      documentation:
        'HeaderConverter between Connect header values and their serialized form in Kafka. Overrides the worker setting ' +
        '(SimpleHeaderConverter by default).',
      group: G.COMMON, orderInGroup: ++order, width: 'SHORT', displayName: 'Header converter class',
    })
    .define({
      name: K.TRANSFORMS, type: 'LIST', default: [], validator: uniqueAliasesValidator('transformation'), importance: 'LOW',
      documentation: 'Aliases for the transformations to be applied to records.', group: G.TRANSFORMS, orderInGroup: ++order,
      width: 'LONG', displayName: 'Transforms',
    })
    .define({
      name: K.PREDICATES, type: 'LIST', default: [], validator: uniqueAliasesValidator('predicate'), importance: 'LOW',
      documentation: 'Aliases for the predicates used by transformations.', group: G.PREDICATES, orderInGroup: ++order,
      width: 'LONG', displayName: 'Predicates',
    })
    .define({
      name: K.CONFIG_RELOAD_ACTION, type: 'STRING', default: 'restart', validator: ValidString.in('none', 'restart'), importance: 'LOW',
      documentation:
        "What to do with the connector when a configuration provider reports changed values: 'none' does nothing, " +
        "'restart' restarts the connector with the new values.",
      group: G.COMMON, orderInGroup: ++order, width: 'MEDIUM', displayName: 'Reload Action',
    })
    .define({
      name: K.ERRORS_RETRY_TIMEOUT, type: 'LONG', default: 0, importance: 'MEDIUM',
      documentation: 'How long, in milliseconds, a failed operation is retried. 0 (the default) means no retries; -1 retries forever.',
      group: G.ERROR_HANDLING, orderInGroup: ++errorOrder, width: 'MEDIUM', displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: K.ERRORS_RETRY_MAX_DELAY, type: 'LONG', default: 60000, importance: 'MEDIUM',
      documentation: 'The longest wait, in milliseconds, between two retries of a failed operation (jitter is added beyond it).',
      group: G.ERROR_HANDLING, orderInGroup: ++errorOrder, width: 'MEDIUM', displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: K.ERRORS_TOLERANCE, type: 'STRING', default: 'none', validator: ValidString.in('none', 'all'), importance: 'MEDIUM',
      documentation: "'none' (the default) fails the task on the first error; 'all' skips records that cannot be processed.",
      group: G.ERROR_HANDLING, orderInGroup: ++errorOrder, width: 'SHORT', displayName: 'Error Tolerance',
    })
    .define({
      name: K.ERRORS_LOG_ENABLE, type: 'BOOLEAN', default: false, importance: 'MEDIUM',
      documentation: 'Whether every error, with the failed operation and record coordinates, is written to the log. Off by default, so only fatal errors are logged.',
      group: G.ERROR_HANDLING, orderInGroup: ++errorOrder, width: 'SHORT', displayName: 'Log Errors',
    })
    .define({
      name: K.ERRORS_LOG_INCLUDE_MESSAGES, type: 'BOOLEAN', default: false, importance: 'MEDIUM',
      documentation:
        'Whether logged errors include the record itself (key, value and headers for source records; topic, partition, ' +
        'offset and timestamp for sink records). Off by default so that record contents stay out of log files.',
      group: G.ERROR_HANDLING, orderInGroup: ++errorOrder, width: 'SHORT', displayName: 'Log Error Details',
    })
    .define({
      name: ErrorRestartKeys.ENABLE, type: 'BOOLEAN', default: false, importance: 'LOW',
      documentation: 'Sluice only: whether a FAILED task is restarted automatically after a backoff. Off by default, as in Kafka Connect.',
      group: G.ERROR_HANDLING, orderInGroup: 100, width: 'SHORT', displayName: 'Restart Failed Tasks',
    })
    .define({
      name: ErrorRestartKeys.BACKOFF_INITIAL_MS, type: 'LONG', default: 1000, validator: Range.atLeast(0), importance: 'LOW',
      documentation: 'Sluice only: the wait before the first automatic restart of a failed task; it doubles with each further failure.',
      group: G.ERROR_HANDLING, orderInGroup: 101, width: 'SHORT', displayName: 'Initial Restart Backoff',
    })
    .define({
      name: ErrorRestartKeys.BACKOFF_MAX_MS, type: 'LONG', default: 60000, validator: Range.atLeast(0), importance: 'LOW',
      documentation:
        'Sluice only: the longest wait between automatic restarts. A task that ran longer than this since its last restart starts over at the initial backoff.',
      group: G.ERROR_HANDLING, orderInGroup: 102, width: 'SHORT', displayName: 'Maximum Restart Backoff',
    });
}

/** The settings of sink connectors: the common ones plus topics, topics.regex and the dead letter queue. */
export function sinkConnectorConfigDef(): ConfigDef {
  return connectorCommonConfigDef()
    .define({
      name: K.TOPICS, type: 'LIST', default: '', importance: 'HIGH',
      documentation: 'Comma-separated list of topics to consume. Exactly one of topics and topics.regex must be set.',
      group: G.COMMON, orderInGroup: 4, width: 'LONG', displayName: 'Topics',
    })
    .define({
      name: K.TOPICS_REGEX, type: 'STRING', default: '', validator: regexValidator, importance: 'HIGH',
      documentation: 'Regular expression selecting the topics to consume. Exactly one of topics and topics.regex must be set.',
      group: G.COMMON, orderInGroup: 4, width: 'LONG', displayName: 'Topics regex',
    })
    .define({
      name: K.DLQ_TOPIC_NAME, type: 'STRING', default: '', importance: 'MEDIUM',
      documentation: 'Topic that receives records which failed processing (with errors.tolerance=all). Empty disables the dead letter queue.',
      group: G.ERROR_HANDLING, orderInGroup: 6, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: K.DLQ_TOPIC_REPLICATION_FACTOR, type: 'SHORT', default: 3, importance: 'MEDIUM',
      documentation: 'Replication factor used when the dead letter queue topic is created.',
      group: G.ERROR_HANDLING, orderInGroup: 7, width: 'MEDIUM', displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: K.DLQ_CONTEXT_HEADERS_ENABLE, type: 'BOOLEAN', default: false, importance: 'MEDIUM',
      documentation: 'Whether records sent to the dead letter queue carry __connect.errors.* headers describing the failure.',
      group: G.ERROR_HANDLING, orderInGroup: 8, width: 'MEDIUM', displayName: 'Enable Error Context Headers',
    });
}

/** The settings of source connectors: the common ones plus topic creation, exactly-once and offsets topic settings. */
export function sourceConnectorConfigDef(): ConfigDef {
  let order = 0;
  return connectorCommonConfigDef()
    .define({
      name: K.TOPIC_CREATION_GROUPS, type: 'LIST', default: [], validator: uniqueAliasesValidator('topic creation group'),
      importance: 'LOW', documentation: 'Groups of settings for the topics that source connectors create.',
      group: G.TOPIC_CREATION, orderInGroup: ++order, width: 'LONG', displayName: 'Topic Creation Groups',
    })
    .define({
      name: K.EXACTLY_ONCE_SUPPORT, type: 'STRING', default: 'requested', validator: CaseInsensitiveValidString.in('requested', 'required'),
      importance: 'MEDIUM',
      documentation: "'requested' or 'required'. 'required' makes startup fail unless the connector declares exactly-once support.",
      group: G.EXACTLY_ONCE_SUPPORT, orderInGroup: ++order, width: 'SHORT', displayName: 'Exactly once support',
    })
    .define({
      name: K.TRANSACTION_BOUNDARY, type: 'STRING', default: 'poll', validator: CaseInsensitiveValidString.in('poll', 'interval', 'connector'),
      importance: 'MEDIUM',
      documentation:
        "With exactly-once source support: 'poll' commits a transaction per polled batch, 'interval' after " +
        "transaction.boundary.interval.ms, 'connector' where the connector says.",
      group: G.EXACTLY_ONCE_SUPPORT, orderInGroup: ++order, width: 'SHORT', displayName: 'Transaction Boundary',
    })
    .define({
      name: K.TRANSACTION_BOUNDARY_INTERVAL, type: 'LONG', default: null,
      validator: LambdaValidator.with((name, value) => {
        if (value !== null && value !== undefined) Range.atLeast(0).ensureValid(name, value);
      }, { description: '[0,...]', jsonSchema: { minimum: 0 } }),
      importance: 'LOW',
      documentation: "Transaction commit interval for transaction.boundary=interval; defaults to the worker's offset.flush.interval.ms.",
      group: G.EXACTLY_ONCE_SUPPORT, orderInGroup: ++order, width: 'SHORT', displayName: 'Transaction boundary interval',
    })
    .define({
      name: K.OFFSETS_STORAGE_TOPIC, type: 'STRING', default: null, validator: new NonEmptyString(), importance: 'LOW',
      documentation: "A separate offsets topic for this connector (distributed mode only); by default the worker's offsets topic.",
      group: G.OFFSETS_TOPIC, orderInGroup: 1, width: 'LONG', displayName: 'Offsets topic',
    });
}
