/** Single Message Transforms and predicates (Kafka's Transformation and Predicate). */
import type { ConfigDef } from './config-def';
import type { ConnectRecord } from './records';

export interface Transformation<R extends ConnectRecord<R>> {
  configure(configs: Readonly<Record<string, unknown>>): void;
  /** The transformed record, or null to drop it. Runs on the hot path: keep it synchronous. */
  apply(record: R): R | null;
  config(): ConfigDef;
  close(): void;
}

export interface Predicate<R extends ConnectRecord<R>> {
  configure(configs: Readonly<Record<string, unknown>>): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close(): void;
}
