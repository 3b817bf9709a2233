/** ListOffsets (2): -1 latest (high watermark), -2 earliest (log start), otherwise the first offset at or after a timestamp. */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import { requirePartition } from './require-partition';
import type { ApiHandler } from './types';

const LATEST = -1;
const EARLIEST = -2;

export const listOffsetsHandler: ApiHandler = {
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 5,
  handle(req, ctx) {
    const { broker } = ctx;
    const topics = (req.topics as Message[]).map((t) => ({
      name: t.name,
      partitions: (t.partitions as Message[]).map((p) => {
        const out: Message = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 };
        try {
          const log = requirePartition(broker, t.name, p.partitionIndex);
          out.leaderEpoch = log.leaderEpoch;
          if (p.timestamp === LATEST) out.offset = log.highWatermark;
          else if (p.timestamp === EARLIEST) out.offset = log.logStartOffset;
          else {
            const found = log.offsetForTimestamp(p.timestamp);
            if (found) {
              out.offset = found.offset;
              out.timestamp = found.timestamp;
            }
          }
        } catch (err) {
          out.errorCode = errorCodeOf(err);
        }
        return out;
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
