/** DescribeConfigs (32) for topics (resource type 2) and this broker (type 4). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ApiHandler, RequestContext } from './types';

export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;

const CONFIG_SOURCE: Record<string, number> = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

const CONFIG_TYPE: Record<string, number> = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 };

interface ConfigEntry {
  name: string;
  value: string | null;
  source: string;
  readOnly: boolean;
  isSensitive: boolean;
  type: string;
  doc: string;
}

function brokerEntries(ctx: RequestContext): ConfigEntry[] {
  return Object.entries(ctx.broker.config.props).map(([name, value]) => {
    const sensitive = /password|secret/i.test(name);
    return { name, value: sensitive ? null : value, source: 'STATIC_BROKER_CONFIG', readOnly: true, isSensitive: sensitive, type: 'STRING', doc: '' };
  });
}

function describeResource(r: Message, ctx: RequestContext): Message {
  const out: Message = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
  try {
    let entries: ConfigEntry[];
    if (r.resourceType === ResourceType.TOPIC) {
      if (!ctx.broker.logs.getTopic(r.resourceName)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic ${r.resourceName}`);
      entries = ctx.broker.logs.describeTopicConfigs(r.resourceName);
    } else if (r.resourceType === ResourceType.BROKER) {
      if (r.resourceName !== '' && r.resourceName !== String(ctx.broker.config.nodeId)) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `unknown broker ${r.resourceName}`);
      }
      entries = brokerEntries(ctx);
    } else {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported`);
    }
    const keys: string[] | null = r.configurationKeys;
    if (keys !== null && keys.length > 0) entries = entries.filter((e) => keys.includes(e.name));
    out.configs = entries.map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      isDefault: e.source === 'DEFAULT_CONFIG',
      configSource: CONFIG_SOURCE[e.source] ?? -1,
      isSensitive: e.isSensitive,
      synonyms: [],
      configType: CONFIG_TYPE[e.type] ?? 0,
      documentation: e.doc || null,
    }));
  } catch (err) {
    out.errorCode = errorCodeOf(err);
    out.errorMessage = (err as Error).message;
  }
  return out;
}

export const describeConfigsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    return { throttleTimeMs: 0, results: (req.resources as Message[]).map((r) => describeResource(r, ctx)) };
  },
};
