/** SyncGroup (14): the leader hands in the assignment; every member waits for and receives its own. */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const syncGroupHandler: ApiHandler = {
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const result = await ctx.broker.coordinator.groups.sync({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      generationId: req.generationId,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
      assignments: (req.assignments as Message[]).map((a) => ({ memberId: a.memberId, assignment: a.assignment ?? Buffer.alloc(0) })),
    });
    return { throttleTimeMs: 0, ...result };
  },
};
