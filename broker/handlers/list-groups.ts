/** ListGroups (16): every group this coordinator knows, optionally filtered by state (v4+) and type (v5+). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import type { ApiHandler } from './types';

/** Every group here follows the classic protocol. */
const GROUP_TYPE = 'classic';

export const listGroupsHandler: ApiHandler = {
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { groups: coordinator } = ctx.broker.coordinator;
    if (coordinator.isClosed) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const states = new Set(((req.statesFilter as string[] | undefined) ?? []).map((s) => s.toLowerCase()));
    const types = new Set(((req.typesFilter as string[] | undefined) ?? []).map((t) => t.toLowerCase()));
    const groups = [...coordinator.groups.values()]
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has(GROUP_TYPE))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: GROUP_TYPE }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
};
