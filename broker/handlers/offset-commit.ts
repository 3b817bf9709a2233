/**
 * OffsetCommit (8): a member's commit for its generation, or a simple commit (generation -1) to a
 * group without members. Kept from v0: librdkafka before 2.11 wants a range overlapping 1-2.
 * Version 9 is KIP-848's member epoch and is not offered.
 */
import { ApiKey } from '../protocol/apis';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const offsetCommitHandler: ApiHandler = {
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 8,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const topics = await ctx.broker.coordinator.offsets.commit({
      groupId: req.groupId,
      // v0 has neither generation nor member: always a simple commit.
      generationId: v >= 1 ? req.generationIdOrMemberEpoch : -1,
      memberId: v >= 1 ? req.memberId : '',
      groupInstanceId: v >= 7 ? req.groupInstanceId : null,
      topics: (req.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    });
    return { throttleTimeMs: 0, topics };
  },
};
