/**
 * FileStreamSourceConnector: publishes each line of a file to one topic (Kafka's
 * org.apache.kafka.connect.file.FileStreamSourceConnector). Unlike Kafka, `file` is required: reading the worker's
 * standard input is not supported.
 */
import {
  AbstractConfig,
  type ConfigDef,
  ConnectError,
  type ConnectorProps,
  ExactlyOnceSupport,
  type SourceOffset,
  type SourcePartition,
  SourceConnector,
  type TaskClass,
} from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { FILE_CONFIG, FILENAME_FIELD, POSITION_FIELD, SOURCE_CONFIG_DEF } from './file-configs';
import { FileStreamSourceTask } from './file-stream-source-task';

export class FileStreamSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return SLUICE_VERSION;
  }

  start(props: ConnectorProps): void {
    new AbstractConfig(SOURCE_CONFIG_DEF, props);
    this.props = { ...props };
  }

  taskClass(): TaskClass {
    return FileStreamSourceTask;
  }

  /** One task whatever tasks.max is: a file has a single reader. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef {
    return SOURCE_CONFIG_DEF;
  }

  /** Offsets are tracked per file, so the task can resume exactly; there is nothing to undo on abort. */
  override exactlyOnceSupport(_props: ConnectorProps): ExactlyOnceSupport {
    return ExactlyOnceSupport.SUPPORTED;
  }

  /** Accepts tombstones and `{"position": <non-negative integer>}` for partitions naming a file, as Kafka does. */
  override alterOffsets(props: ConnectorProps, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): boolean {
    const file = props[FILE_CONFIG];
    if (file === undefined || file === '') {
      throw new ConnectError(`Offsets cannot be modified if the '${FILE_CONFIG}' configuration is unspecified.`);
    }
    for (const [partition, offset] of offsets) {
      if (offset === null) continue;
      if (!Object.prototype.hasOwnProperty.call(offset, POSITION_FIELD)) {
        throw new ConnectError(`Offset objects should either be null or contain the key '${POSITION_FIELD}'`);
      }
      const position = offset[POSITION_FIELD];
      if (!isInteger(position)) {
        throw new ConnectError(`The value for the '${POSITION_FIELD}' key in the offset is expected to be an integer value`);
      }
      if (position < 0) {
        throw new ConnectError(`The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value`);
      }
      if (partition === null || !Object.prototype.hasOwnProperty.call(partition, FILENAME_FIELD)) {
        throw new ConnectError(`Partition objects should contain the key '${FILENAME_FIELD}'`);
      }
    }
    // The task checks on start-up whether the position fits the file (a position past its end restarts from 0).
    return true;
  }
}

function isInteger(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
}
