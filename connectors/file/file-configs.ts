/** Config specs and offset field names of the FileStream connectors, shared by the connectors and their tasks. */
import {
  type AbstractConfig,
  CompositeValidator,
  ConfigDef,
  ConfigError,
  ConfigType,
  Importance,
  LambdaValidator,
  NO_DEFAULT,
  NonEmptyString,
  Range,
} from '../../connect-runtime/api';

export const FILE_CONFIG = 'file';
export const TOPIC_CONFIG = 'topic';
export const TASK_BATCH_SIZE_CONFIG = 'batch.size';
export const DEFAULT_TASK_BATCH_SIZE = 2000;

/** Keys of the source partition and offset maps, as Kafka writes them to the offsets topic. */
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

const singleTopic = LambdaValidator.with(
  (name, value) => {
    if (typeof value === 'string' && value.includes(',')) {
      throw ConfigError.invalidValue(name, value, `'${name}' in FileStreamSourceConnector configuration requires definition of a single topic`);
    }
  },
  { description: 'a single topic name', jsonSchema: { pattern: '^[^,]*$' } },
);

export const SOURCE_CONFIG_DEF = new ConfigDef()
  .define({
    name: FILE_CONFIG,
    type: ConfigType.STRING,
    default: NO_DEFAULT,
    validator: new NonEmptyString(),
    importance: Importance.HIGH,
    documentation: 'Source filename. Required: reading from standard input is not supported.',
  })
  .define({
    name: TOPIC_CONFIG,
    type: ConfigType.STRING,
    default: NO_DEFAULT,
    validator: CompositeValidator.of(new NonEmptyString(), singleTopic),
    importance: Importance.HIGH,
    documentation: 'The topic to publish data to',
  })
  .define({
    name: TASK_BATCH_SIZE_CONFIG,
    type: ConfigType.INT,
    default: DEFAULT_TASK_BATCH_SIZE,
    validator: Range.atLeast(1),
    importance: Importance.LOW,
    documentation: 'The maximum number of records the source task can read from the file each time it is polled',
  });

export const SINK_CONFIG_DEF = new ConfigDef().define({
  name: FILE_CONFIG,
  type: ConfigType.STRING,
  default: NO_DEFAULT,
  validator: new NonEmptyString(),
  importance: Importance.HIGH,
  documentation: 'Destination filename, opened for appending and created if missing. Required: writing to standard output is not supported.',
});

/** A required STRING setting of a parsed config: present, so only an explicit null is left to refuse. */
export function requiredString(config: AbstractConfig, name: string): string {
  const value = config.getString(name);
  if (value === null) throw ConfigError.invalidValue(name, value, 'Entry must be non null');
  return value;
}
