/**
 * FileStreamSinkConnector: appends the values of the records of its topics to a file, one per line (Kafka's
 * org.apache.kafka.connect.file.FileStreamSinkConnector). Unlike Kafka, `file` is required: writing to the worker's
 * standard output is not supported. `topics`/`topics.regex` are the runtime's common sink settings.
 */
import {
  AbstractConfig,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
  type TopicPartitionMap,
} from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { SINK_CONFIG_DEF } from './file-configs';
import { FileStreamSinkTask } from './file-stream-sink-task';

export class FileStreamSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return SLUICE_VERSION;
  }

  start(props: ConnectorProps): void {
    new AbstractConfig(SINK_CONFIG_DEF, props);
    this.props = { ...props };
  }

  taskClass(): TaskClass {
    return FileStreamSinkTask;
  }

  /** tasks.max identical tasks, as Kafka's connector; each appends whole batches, so lines never interleave. */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef {
    return SINK_CONFIG_DEF;
  }

  /** Consumer offsets are all the state there is, so any change is fine. */
  override alterOffsets(_props: ConnectorProps, _offsets: TopicPartitionMap<number | null>): boolean {
    return true;
  }
}
