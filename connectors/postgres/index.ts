/**
 * The PostgreSQL connectors as a plugin: the Debezium-compatible CDC source and the batched sink, under
 * their own class names and the Debezium class names whose configs they accept.
 */
import { definePlugin, type PluginDescriptor } from '../../connect-runtime/api';
import { SLUICE_VERSION } from '../../connect-runtime/api/version';
import { POSTGRES_SINK_ALIASES, POSTGRES_SINK_CLASS, PostgresSinkConnector } from './sink';
import { POSTGRES_CDC_SOURCE_ALIASES, POSTGRES_CDC_SOURCE_CLASS, PostgresCdcSource } from './source';

export * from './sink';
export * from './source';

/** The plugin descriptor the runtime's plugin registry loads. */
export const plugin: PluginDescriptor = definePlugin({
  name: 'postgres',
  version: SLUICE_VERSION,
  connectors: [
    { class: POSTGRES_CDC_SOURCE_CLASS, ctor: PostgresCdcSource, aliases: POSTGRES_CDC_SOURCE_ALIASES },
    { class: POSTGRES_SINK_CLASS, ctor: PostgresSinkConnector, aliases: POSTGRES_SINK_ALIASES },
  ],
});
