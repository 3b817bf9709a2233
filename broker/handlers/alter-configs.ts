/**
 * AlterConfigs (33, replaces a topic's whole override set) and IncrementalAlterConfigs (44, per-key
 * SET/DELETE/APPEND/SUBTRACT). Broker configs are static (broker.properties) and cannot be altered.
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ConfigChange } from '../log/log-manager';
import { ResourceType } from './describe-configs';
import type { ApiHandler, RequestContext } from './types';

const OPS: Record<number, ConfigChange['op']> = { 0: 'set', 1: 'delete', 2: 'append', 3: 'subtract' };

async function alterResource(r: Message, incremental: boolean, validateOnly: boolean, ctx: RequestContext): Promise<Message> {
  const out: Message = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName };
  try {
    if (r.resourceType === ResourceType.BROKER) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'broker configs are static: edit broker.properties and restart');
    }
    if (r.resourceType !== ResourceType.TOPIC) throw new KafkaError(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported`);
    const changes: ConfigChange[] = (r.configs as Message[]).map((c) => {
      const op = incremental ? OPS[c.configOperation as number] : 'set';
      if (!op) throw new KafkaError(ErrorCode.INVALID_REQUEST, `unknown config operation ${c.configOperation} for ${c.name}`);
      return { name: c.name, op, value: c.value };
    });
    await ctx.broker.logs.alterTopicConfigs(r.resourceName, changes, { replaceAll: !incremental, validateOnly });
    if (!validateOnly) ctx.broker.logger.info({ topic: r.resourceName, changes }, 'altered topic configs');
  } catch (err) {
    out.errorCode = errorCodeOf(err);
    out.errorMessage = (err as Error).message;
  }
  return out;
}

function alterHandler(apiKey: number, maxVersion: number, incremental: boolean): ApiHandler {
  return {
    apiKey,
    minVersion: 0,
    maxVersion,
    async handle(req, ctx) {
      const responses: Message[] = [];
      for (const r of req.resources as Message[]) responses.push(await alterResource(r, incremental, Boolean(req.validateOnly), ctx));
      return { throttleTimeMs: 0, responses };
    },
  };
}

export const alterConfigsHandler = alterHandler(ApiKey.AlterConfigs, 2, false);
export const incrementalAlterConfigsHandler = alterHandler(ApiKey.IncrementalAlterConfigs, 1, true);
