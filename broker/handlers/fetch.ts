/**
 * Fetch (1). Returns stored batches as they are on disk, starting with the batch that contains the
 * fetch offset, up to the high watermark; the first partition with data always gets at least one
 * whole batch (KIP-74). With fewer than min_bytes available it long-polls until an append to one of
 * the requested partitions or max_wait_ms. Fetch sessions are declined (session id 0).
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import { AppendNotifier } from './append-notifier';
import { requirePartition } from './require-partition';
import type { ApiHandler, BrokerServices } from './types';

interface Collected {
  responses: Message[];
  bytes: number;
  hasError: boolean;
}

const EMPTY = Buffer.alloc(0);

function collect(broker: BrokerServices, req: Message): Collected {
  let remaining: number = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  let bytes = 0;
  let hasError = false;
  const responses = (req.topics as Message[]).map((t) => ({
    topic: t.topic,
    partitions: (t.partitions as Message[]).map((p) => {
      const out: Message = {
        partitionIndex: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: EMPTY,
      };
      try {
        const log = requirePartition(broker, t.topic, p.partition);
        const highWatermark = log.highWatermark;
        out.highWatermark = highWatermark;
        out.lastStableOffset = highWatermark;
        out.logStartOffset = log.logStartOffset;
        if (remaining > 0 || bytes === 0) {
          const records = log.read({
            offset: p.fetchOffset,
            maxBytes: Math.min(p.partitionMaxBytes, remaining),
            minOneBatch: bytes === 0,
            maxOffset: highWatermark,
          });
          out.records = records;
          bytes += records.length;
          remaining -= records.length;
        }
      } catch (err) {
        out.errorCode = errorCodeOf(err);
        hasError = true;
      }
      return out;
    }),
  }));
  return { responses, bytes, hasError };
}

export const fetchHandler: ApiHandler = {
  apiKey: ApiKey.Fetch,
  // v4 is the first to carry RecordBatch v2 data, which is all this broker stores.
  minVersion: 4,
  maxVersion: 12,
  async handle(req, ctx) {
    const { broker } = ctx;
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    const keys = (req.topics as Message[]).flatMap((t) => (t.partitions as Message[]).map((p) => AppendNotifier.key(t.topic, p.partition)));
    let result = collect(broker, req);
    while (result.bytes < Math.max(1, req.minBytes) && !result.hasError && keys.length > 0) {
      const wait = deadline - Date.now();
      if (wait <= 0) break;
      await broker.appends.waitForAny(keys, wait);
      result = collect(broker, req);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
  },
};
