/**
 * JoinGroup (11). The answer is held until the rebalance's join phase completes, so the request
 * long-polls for up to the rebalance timeout, as clients expect. Version 0 must stay advertised:
 * librdkafka before 2.11 enables balanced consumers only then.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const joinGroupHandler: ApiHandler = {
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 7,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const result = await ctx.broker.coordinator.groups.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      sessionTimeoutMs: req.sessionTimeoutMs,
      // v0 has no rebalance timeout: the session timeout bounds the join phase.
      rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: (req.protocols as Message[]).map((p) => ({ name: p.name, metadata: p.metadata ?? Buffer.alloc(0) })),
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      requireKnownMemberId: v >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Non-nullable before v7.
      protocolName: v >= 7 ? result.protocolName : (result.protocolName ?? ''),
      leader: result.leader,
      memberId: result.memberId,
      members: result.members,
    };
  },
};
