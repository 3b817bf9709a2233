/** OffsetDelete (47): deletes committed offsets of topics the group no longer consumes. */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const offsetDeleteHandler: ApiHandler = {
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(req, ctx) {
    const topics = (req.topics as Message[]).map((t) => ({ name: t.name as string, partitions: (t.partitions as Message[]).map((p) => p.partitionIndex as number) }));
    const result = await ctx.broker.coordinator.offsets.deleteOffsets(req.groupId, topics);
    return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.topics };
  },
};
