/**
 * TopicNameMatches (org.apache.kafka.connect.transforms.predicates.TopicNameMatches): true when the whole topic name
 * matches `pattern`, a Java regular expression.
 */
import { CompositeValidator, type ConfigDef, ConfigError, type ConnectRecord, NO_DEFAULT, NonEmptyString, type Predicate } from '../api';
import { configDef, parseConfig, RegexValidator } from './config-util';
import { compileJavaRegex, type JavaRegex, matchesWhole } from './java-regex';

export const TOPIC_NAME_MATCHES_CLASS = 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches';

const CONFIG_DEF = configDef({
  name: 'pattern', type: 'STRING', default: NO_DEFAULT, validator: CompositeValidator.of(new NonEmptyString(), new RegexValidator()),
  importance: 'MEDIUM', documentation: "A Java regular expression for matching against the name of a record's topic.",
});

export class TopicNameMatches<R extends ConnectRecord<R>> implements Predicate<R> {
  private pattern: JavaRegex | null = null;
  /** Topics are few: each answer is remembered (bounded) so the regex runs once per topic. */
  private readonly answers = new Map<string, boolean>();

  configure(configs: Readonly<Record<string, unknown>>): void {
    const value = parseConfig(CONFIG_DEF, configs).getString('pattern') ?? '';
    try {
      this.pattern = compileJavaRegex(value);
    } catch (err) {
      throw ConfigError.invalidValue('pattern', value, `entry must be a Java-compatible regular expression: ${(err as Error).message}`);
    }
    this.answers.clear();
  }

  test(record: R): boolean {
    let answer = this.answers.get(record.topic);
    if (answer === undefined) {
      answer = this.pattern !== null && matchesWhole(this.pattern, record.topic);
      if (this.answers.size >= 1000) this.answers.clear();
      this.answers.set(record.topic, answer);
    }
    return answer;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {
    this.answers.clear();
  }

  toString(): string {
    return `TopicNameMatches{pattern=${this.pattern?.find.source ?? 'null'}}`;
  }
}
