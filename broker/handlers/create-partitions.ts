/** CreatePartitions (37): raises a topic's partition count; shrinking is refused. */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

export const createPartitionsHandler: ApiHandler = {
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const results: Message[] = [];
    for (const t of req.topics as Message[]) {
      const out: Message = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      try {
        await ctx.broker.logs.createPartitions(t.name, t.count, Boolean(req.validateOnly));
      } catch (err) {
        out.errorCode = errorCodeOf(err);
        out.errorMessage = (err as Error).message;
      }
      results.push(out);
    }
    return { throttleTimeMs: 0, results };
  },
};
