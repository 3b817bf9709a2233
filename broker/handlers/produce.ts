/**
 * Produce (0). Each partition's RECORDS must be one RecordBatch v2; it is validated (header, CRC-32C)
 * and appended as opaque bytes. acks=1/-1 answer after the append, and after the fsync when the
 * topic's flush policy asks for one. acks=0 gets no response at all.
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import { validateProducedBatch } from '../protocol/record-batch';
import type { Message } from '../protocol/codec';
import { requirePartition } from './require-partition';
import type { ApiHandler, BrokerServices } from './types';

interface PartitionResult {
  response: Message;
  durable: Promise<void> | null;
}

function appendPartition(broker: BrokerServices, topic: string, index: number, records: Buffer | null): PartitionResult {
  const response: Message = { index, errorCode: ErrorCode.NONE, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null };
  try {
    const log = requirePartition(broker, topic, index);
    if (records === null) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'null record set');
    const header = validateProducedBatch(records, { maxMessageBytes: log.config.maxMessageBytes });
    const result = log.append(records, header);
    response.baseOffset = result.baseOffset;
    response.logAppendTimeMs = result.logAppendTime;
    response.logStartOffset = result.logStartOffset;
    if (!result.duplicate) broker.appends.notify(topic, index);
    const durable = result.durable?.catch((err: Error) => {
      response.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      response.errorMessage = `flush failed: ${err.message}`;
      broker.logger.error({ err, topic, partition: index }, 'flush failed');
    });
    return { response, durable: durable ?? null };
  } catch (err) {
    response.errorCode = errorCodeOf(err);
    response.errorMessage = (err as Error).message;
    if (response.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) broker.logger.error({ err, topic, partition: index }, 'produce failed');
    return { response, durable: null };
  }
}

export const produceHandler: ApiHandler = {
  apiKey: ApiKey.Produce,
  // Min 0 keeps librdkafka < 2.11 from disabling compression; v0-2 (legacy MessageSets) are refused per batch.
  minVersion: 0,
  maxVersion: 9,
  handle(req, ctx) {
    const { broker } = ctx;
    const acks: number = req.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const durables: Promise<void>[] = [];
    const responses = (req.topicData as Message[]).map((t) => ({
      name: t.name,
      partitionResponses: (t.partitionData as Message[]).map((p) => {
        if (!validAcks) {
          return { index: p.index, errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: `acks=${acks} is not one of -1, 0, 1` };
        }
        const { response, durable } = appendPartition(broker, t.name, p.index, p.records);
        if (durable) durables.push(durable);
        return response;
      }),
    }));
    if (acks === 0) return null;
    const body = { responses, throttleTimeMs: 0 };
    if (durables.length === 0) return body;
    return Promise.all(durables).then(() => body);
  },
};
