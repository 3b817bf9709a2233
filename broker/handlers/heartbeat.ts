/** Heartbeat (12): keeps a member's session alive and tells it when a rebalance started. */
import { ApiKey } from '../protocol/apis';
import type { ApiHandler } from './types';

export const heartbeatHandler: ApiHandler = {
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const errorCode = ctx.broker.coordinator.groups.heartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
      generationId: req.generationId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};
