/** HasHeaderKey (org.apache.kafka.connect.transforms.predicates.HasHeaderKey): true when a header has key `name`. */
import { type ConfigDef, type ConnectRecord, NO_DEFAULT, NonEmptyString, type Predicate } from '../api';
import { configDef, parseConfig } from './config-util';

export const HAS_HEADER_KEY_CLASS = 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey';

const CONFIG_DEF = configDef({
  name: 'name', type: 'STRING', default: NO_DEFAULT, validator: new NonEmptyString(), importance: 'MEDIUM', documentation: 'The header name.',
});

export class HasHeaderKey<R extends ConnectRecord<R>> implements Predicate<R> {
  private name = '';

  configure(configs: Readonly<Record<string, unknown>>): void {
    this.name = parseConfig(CONFIG_DEF, configs).getString('name') ?? '';
  }

  test(record: R): boolean {
    return record.headers.lastWithName(this.name) !== undefined;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}

  toString(): string {
    return `HasHeaderKey{name='${this.name}'}`;
  }
}
