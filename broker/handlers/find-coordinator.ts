/**
 * FindCoordinator (10). On one node the group coordinator is always this broker. Advertising
 * version 0 also matters for librdkafka < 2.11, which turns LZ4 and group support on only then.
 * Transaction coordinators (key type 1) do not exist here.
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ApiHandler, RequestContext } from './types';

const GROUP_KEY_TYPE = 0;

function locate(key: string, keyType: number, ctx: RequestContext): Message {
  const { nodeId, advertised } = ctx.broker.config;
  if (keyType !== GROUP_KEY_TYPE) {
    return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'transactions are not supported' };
  }
  return { key, nodeId, host: advertised.host, port: advertised.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const findCoordinatorHandler: ApiHandler = {
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map((k) => locate(k, req.keyType, ctx)) };
    }
    return { throttleTimeMs: 0, ...locate(req.key, req.keyType, ctx) };
  },
};
