/** DeleteTopics (20). v0-5 name topics; v6 lists {name, topicId} pairs (ids resolve to names). */
import { ApiKey } from '../protocol/apis';
import { ErrorCode, KafkaError, errorCodeOf } from '../protocol/error-codes';
import type { Message } from '../protocol/codec';
import type { ApiHandler } from './types';

const TOPIC_DELETION_DISABLED = 73;

export const deleteTopicsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(req, ctx) {
    const { logs, config, logger } = ctx.broker;
    const requested: Array<{ name: string | null; topicId: Buffer }> =
      ctx.apiVersion >= 6 ? (req.topics as Message[]).map((t) => ({ name: t.name, topicId: t.topicId })) : (req.topicNames as string[]).map((name) => ({ name, topicId: Buffer.alloc(16) }));
    const responses: Message[] = [];
    for (const r of requested) {
      const name = r.name ?? logs.listTopics().find((t) => t.topicId.equals(r.topicId))?.name ?? null;
      const out: Message = { name, topicId: r.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
      try {
        if (!config.deleteTopicEnable) throw new KafkaError(TOPIC_DELETION_DISABLED, 'topic deletion is disabled (delete.topic.enable=false)');
        if (name === null) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, 'unknown topic id');
        const topic = logs.getTopic(name);
        if (topic) out.topicId = topic.topicId;
        await logs.deleteTopic(name);
        logger.info({ topic: name }, 'deleted topic');
      } catch (err) {
        out.errorCode = errorCodeOf(err);
        out.errorMessage = (err as Error).message;
      }
      responses.push(out);
    }
    return { throttleTimeMs: 0, responses };
  },
};
