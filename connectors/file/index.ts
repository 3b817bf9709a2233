/**
 * The FileStream connectors as a plugin: Kafka's FileStreamSourceConnector and FileStreamSinkConnector under their
 * Kafka class names, so existing Kafka Connect configs work unchanged.
 */
import { definePlugin, type PluginDescriptor } from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { FileStreamSinkConnector } from './file-stream-sink-connector';
import { FileStreamSourceConnector } from './file-stream-source-connector';

export { FileStreamSourceConnector } from './file-stream-source-connector';
export { FileStreamSourceTask, type FileStreamSourceTaskOptions } from './file-stream-source-task';
export { FileStreamSinkConnector } from './file-stream-sink-connector';
export { FileStreamSinkTask } from './file-stream-sink-task';
export {
  FILE_CONFIG,
  TOPIC_CONFIG,
  TASK_BATCH_SIZE_CONFIG,
  DEFAULT_TASK_BATCH_SIZE,
  FILENAME_FIELD,
  POSITION_FIELD,
  SOURCE_CONFIG_DEF,
  SINK_CONFIG_DEF,
} from './file-configs';
export type { FileConnectorLogger } from './logger';

/** The plugin descriptor the runtime's plugin registry loads. */
export const plugin: PluginDescriptor = definePlugin({
  name: 'file',
  version: SLUICE_VERSION,
  connectors: [
    { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', ctor: FileStreamSourceConnector },
    { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', ctor: FileStreamSinkConnector },
  ],
});
