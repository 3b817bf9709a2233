/**
 * OffsetFetch (9): committed offsets of one group (v0-7) or several (v8). A null topic list (v2+)
 * means every partition the group has committed. Version 9 is KIP-848's and is not offered.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import { ErrorCode } from '../protocol/error-codes';
import type { ApiHandler, RequestContext } from './types';

type TopicRequest = { name: string; partitionIndexes: number[] }[] | null;

function fetchGroup(ctx: RequestContext, groupId: string, topics: TopicRequest): { errorCode: number; topics: Message[] } {
  const coordinator = ctx.broker.coordinator;
  if (coordinator.groups.isClosed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
  return { errorCode: ErrorCode.NONE, topics: coordinator.offsets.fetch(groupId, topics) };
}

export const offsetFetchHandler: ApiHandler = {
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 8,
  handle(req, ctx) {
    if (ctx.apiVersion >= 8) {
      const groups = (req.groups as Message[]).map((g) => ({ groupId: g.groupId, ...fetchGroup(ctx, g.groupId, g.topics) }));
      return { throttleTimeMs: 0, groups };
    }
    const { errorCode, topics } = fetchGroup(ctx, req.groupId, req.topics);
    // Before v2 there is no top-level error code: a coordinator error goes on every partition.
    if (ctx.apiVersion < 2 && errorCode !== ErrorCode.NONE) {
      return { topics: (req.topics as Message[]).map((t) => ({ name: t.name, partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode })) })) };
    }
    return { throttleTimeMs: 0, topics, errorCode };
  },
};
