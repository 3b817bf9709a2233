/**
 * TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter): the topic becomes `topic.format` with
 * `${topic}` and `${timestamp}` replaced, the timestamp formatted in UTC with the SimpleDateFormat pattern
 * `timestamp.format`. A record without a timestamp is an error.
 */
import { type ConfigDef, ConfigError, type ConnectRecord, DataError, type Transformation } from '../api';
import { configDef, parseConfig } from './config-util';
import { JavaDateFormat } from './java-date-format';

export const TIMESTAMP_ROUTER_CLASS = 'org.apache.kafka.connect.transforms.TimestampRouter';

const CONFIG_DEF = configDef(
  {
    name: 'topic.format', type: 'STRING', default: '${topic}-${timestamp}', importance: 'HIGH',
    documentation: 'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.',
  },
  {
    name: 'timestamp.format', type: 'STRING', default: 'yyyyMMdd', importance: 'HIGH',
    documentation: 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat.',
  },
);

export class TimestampRouter<R extends ConnectRecord<R>> implements Transformation<R> {
  private topicFormat = '${topic}-${timestamp}';
  private timestampFormat = JavaDateFormat.compile('yyyyMMdd');
  /** The last result: records of one topic arrive in bursts within the same day (or hour), so it is usually reused. */
  private last: { topic: string; window: number; routed: string } | null = null;

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    this.topicFormat = config.getString('topic.format') ?? '';
    const pattern = config.getString('timestamp.format') ?? '';
    try {
      this.timestampFormat = JavaDateFormat.compile(pattern);
    } catch (err) {
      throw ConfigError.invalidValue('timestamp.format', pattern, (err as Error).message);
    }
    this.last = null;
  }

  apply(record: R): R | null {
    if (record.timestamp === null) throw new DataError(`Timestamp missing on record: ${record.toString()}`);
    const window = Math.floor(record.timestamp / this.timestampFormat.granularity);
    const last = this.last;
    if (last !== null && last.topic === record.topic && last.window === window) return record.newRecord({ topic: last.routed });
    const formatted = this.timestampFormat.format(record.timestamp);
    const routed = this.topicFormat.split('${topic}').join(record.topic).split('${timestamp}').join(formatted);
    this.last = { topic: record.topic, window, routed };
    return record.newRecord({ topic: routed });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
