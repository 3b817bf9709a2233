/** DeleteGroups (42): removes groups without members, with their committed offsets. */
import { ApiKey } from '../protocol/apis';
import type { ApiHandler } from './types';

export const deleteGroupsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const results = [];
    for (const groupId of req.groupsNames as string[]) {
      results.push({ groupId, errorCode: await ctx.broker.coordinator.offsets.deleteGroup(groupId) });
    }
    return { throttleTimeMs: 0, results };
  },
};
