/**
 * InitProducerId (22) for idempotent producers: a fresh producer id with epoch 0, or (v3+) the same id
 * with the epoch bumped when the producer asks to keep its id. Transactions are not supported.
 */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import type { ApiHandler } from './types';

const MAX_EPOCH = 32767;

export const initProducerIdHandler: ApiHandler = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    if (req.transactionalId !== null) {
      ctx.broker.logger.warn({ transactionalId: req.transactionalId, clientId: ctx.clientId }, 'transactional producers are not supported');
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
    }
    if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: req.producerId, producerEpoch: req.producerEpoch + 1 };
    }
    const producerId = await ctx.broker.producerIds.allocate();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  },
};
