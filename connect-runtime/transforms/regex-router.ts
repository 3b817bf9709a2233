/**
 * RegexRouter (org.apache.kafka.connect.transforms.RegexRouter): when the whole topic matches `regex`, the topic
 * becomes `replacement` applied as Java's Matcher.replaceFirst (`$1`, `${name}`). Other records pass through.
 * Topics are few, so each decision is remembered per topic name and the regex runs once per topic.
 */
import { type ConfigDef, ConfigError, type ConnectRecord, NO_DEFAULT, type Transformation } from '../api';
import { configDef, parseConfig, RegexValidator } from './config-util';
import { compileJavaRegex, compileJavaReplacement, type JavaRegex, type JavaReplacement, matchesWhole, replaceFirst } from './java-regex';

export const REGEX_ROUTER_CLASS = 'org.apache.kafka.connect.transforms.RegexRouter';

const CONFIG_DEF = configDef(
  { name: 'regex', type: 'STRING', default: NO_DEFAULT, validator: new RegexValidator(), importance: 'HIGH', documentation: 'Regular expression to use for matching.' },
  { name: 'replacement', type: 'STRING', default: NO_DEFAULT, importance: 'HIGH', documentation: 'Replacement string.' },
);

/** How many topic decisions to remember; a connector routing more distinct topics than this just recomputes. */
const TOPIC_CACHE_SIZE = 1000;

export class RegexRouter<R extends ConnectRecord<R>> implements Transformation<R> {
  private regex: JavaRegex | null = null;
  private replacement: JavaReplacement = () => '';
  /** topic → new topic, or null when the topic does not match. */
  private readonly routes = new Map<string, string | null>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    const regex = compileJavaRegex(config.getString('regex') ?? '');
    const replacement = config.getString('replacement') ?? '';
    try {
      this.replacement = compileJavaReplacement(replacement, regex);
    } catch (err) {
      throw ConfigError.invalidValue('replacement', replacement, (err as Error).message);
    }
    this.regex = regex;
    this.routes.clear();
  }

  apply(record: R): R | null {
    let routed = this.routes.get(record.topic);
    if (routed === undefined) {
      routed = this.route(record.topic);
      if (this.routes.size >= TOPIC_CACHE_SIZE) this.routes.clear();
      this.routes.set(record.topic, routed);
    }
    return routed === null ? record : record.newRecord({ topic: routed });
  }

  private route(topic: string): string | null {
    const regex = this.regex;
    if (regex === null || !matchesWhole(regex, topic)) return null;
    return replaceFirst(regex, topic, this.replacement);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.routes.clear();
  }
}
