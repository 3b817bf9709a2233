/**
 * Turns a request frame into a response frame: reads the header, picks the handler for the API key,
 * decodes the body with the schema for that version, and encodes the handler's answer. ApiVersions
 * with a version we do not know gets the v0-shaped UNSUPPORTED_VERSION answer clients fall back on;
 * any other unknown API or version, or a body that does not decode, closes the connection.
 */
import type { Logger } from 'pino';
import { API_SCHEMAS, ApiKey } from '../protocol/apis';
import { codecFor, type Message } from '../protocol/codec';
import { ErrorCode } from '../protocol/error-codes';
import { peekRequestHeader, readRequestHeader, writeResponseHeader } from '../protocol/header';
import { MalformedMessageError, Reader, Writer } from '../protocol/primitives';
import type { ConnectionInfo, FrameDispatcher, ResponseChunks } from '../network/connection';
import type { ApiHandler, BrokerServices } from './types';

export class RequestRouter implements FrameDispatcher {
  private readonly handlers = new Map<number, ApiHandler>();

  constructor(
    private readonly broker: BrokerServices,
    handlers: ApiHandler[],
    private readonly logger: Logger,
  ) {
    for (const h of handlers) this.handlers.set(h.apiKey, h);
  }

  /** The handler table, in API key order (ApiVersions advertises exactly this). */
  table(): ApiHandler[] {
    return [...this.handlers.values()].sort((a, b) => a.apiKey - b.apiKey);
  }

  dispatch(frame: Buffer, connection: ConnectionInfo): ResponseChunks | Promise<ResponseChunks> {
    const peek = peekRequestHeader(frame);
    if (!peek) throw new MalformedMessageError(`request frame of ${frame.length} bytes is too short for a header`);
    const { apiKey, apiVersion, correlationId } = peek;
    const handler = this.handlers.get(apiKey);
    if (!handler) throw new MalformedMessageError(`unknown API key ${apiKey} (correlation id ${correlationId})`);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.unsupportedApiVersions(correlationId, handler);
      const name = API_SCHEMAS.get(apiKey)?.name ?? String(apiKey);
      throw new MalformedMessageError(`${name} v${apiVersion} is not supported (supported ${handler.minVersion}-${handler.maxVersion})`);
    }
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) throw new MalformedMessageError(`no schema for API key ${apiKey}`);
    const reader = new Reader(frame);
    const header = readRequestHeader(reader);
    // Trailing bytes after a complete body are ignored (librdkafka 2.0.2 adds one to some requests).
    const body = codecFor(schemas.request, apiVersion).read(reader);
    const ctx = { apiVersion, clientId: header.clientId, connection, broker: this.broker };
    const answer = handler.handle(body, ctx);
    if (answer instanceof Promise) {
      return answer.then((res) => this.encode(apiKey, apiVersion, correlationId, res));
    }
    return this.encode(apiKey, apiVersion, correlationId, answer);
  }

  private encode(apiKey: number, apiVersion: number, correlationId: number, body: Message | null): ResponseChunks {
    if (body === null) return null;
    const schemas = API_SCHEMAS.get(apiKey);
    if (!schemas) throw new Error(`no schema for API key ${apiKey}`);
    const w = new Writer(512);
    w.int32(0);
    writeResponseHeader(w, apiKey, apiVersion, correlationId);
    codecFor(schemas.response, apiVersion).write(w, body);
    w.patchInt32(0, w.length - 4);
    return w.toChunks();
  }

  /** KIP-511: a v0-format body listing our ApiVersions range, under response header v0. */
  private unsupportedApiVersions(correlationId: number, handler: ApiHandler): ResponseChunks {
    this.logger.debug({ correlationId }, 'ApiVersions version not supported; telling the client our range');
    const w = new Writer(32);
    w.int32(0).int32(correlationId).int16(ErrorCode.UNSUPPORTED_VERSION);
    w.int32(1).int16(ApiKey.ApiVersions).int16(handler.minVersion).int16(handler.maxVersion);
    w.patchInt32(0, w.length - 4);
    return w.toChunks();
  }
}
