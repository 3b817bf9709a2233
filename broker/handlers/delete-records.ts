/** DeleteRecords (21): moves a partition's log start offset forward (-1 means up to the high watermark). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import { requirePartition } from './require-partition';
import type { ApiHandler } from './types';

export const deleteRecordsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const topics = (req.topics as Message[]).map((t) => ({
      name: t.name,
      partitions: (t.partitions as Message[]).map((p) => {
        const out: Message = { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.NONE };
        try {
          const log = requirePartition(ctx.broker, t.name, p.partitionIndex);
          out.lowWatermark = log.deleteRecordsBefore(p.offset);
        } catch (err) {
          out.errorCode = errorCodeOf(err);
        }
        return out;
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
