/** DeleteRecords (21): moves a partition's log start offset forward (-1 means up to the high watermark). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
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
          const log = ctx.broker.logs.partition(t.name, p.partitionIndex);
          if (!log) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic partition ${t.name}-${p.partitionIndex}`);
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
