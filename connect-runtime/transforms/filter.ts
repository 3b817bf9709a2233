/**
 * Filter (org.apache.kafka.connect.transforms.Filter): drops every record it is applied to. It is meant to be used
 * with a predicate (`transforms.<alias>.predicate`, optionally `negate`), which decides which records it sees.
 */
import { ConfigDef, type ConnectRecord, type Transformation } from '../api';

export const FILTER_CLASS = 'org.apache.kafka.connect.transforms.Filter';

const CONFIG_DEF = new ConfigDef();

export class Filter<R extends ConnectRecord<R>> implements Transformation<R> {
  configure(_configs: Readonly<Record<string, unknown>>): void {}

  apply(_record: R): R | null {
    return null;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
