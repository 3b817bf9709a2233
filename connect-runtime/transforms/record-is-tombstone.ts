/** RecordIsTombstone (org.apache.kafka.connect.transforms.predicates.RecordIsTombstone): true when the value is null. */
import { ConfigDef, type ConnectRecord, type Predicate } from '../api';

export const RECORD_IS_TOMBSTONE_CLASS = 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone';

const CONFIG_DEF = new ConfigDef();

export class RecordIsTombstone<R extends ConnectRecord<R>> implements Predicate<R> {
  configure(_configs: Readonly<Record<string, unknown>>): void {}

  test(record: R): boolean {
    return record.value === null;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}

  toString(): string {
    return 'RecordIsTombstone{}';
  }
}
