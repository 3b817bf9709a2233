/** LeaveGroup (13): one member (v0-2) or a batch, possibly named by group.instance.id only (v3+). */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const leaveGroupHandler: ApiHandler = {
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const batched = ctx.apiVersion >= 3;
    const members = batched
      ? (req.members as Message[]).map((m) => ({ memberId: m.memberId as string, groupInstanceId: m.groupInstanceId as string | null }))
      : [{ memberId: req.memberId as string, groupInstanceId: null }];
    const result = ctx.broker.coordinator.groups.leave(req.groupId, members);
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    return { throttleTimeMs: 0, errorCode: result.errorCode !== 0 ? result.errorCode : (result.members[0]?.errorCode ?? 0) };
  },
};
