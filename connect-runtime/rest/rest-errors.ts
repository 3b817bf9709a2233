/**
 * One mapping from the Connect error catalogue to HTTP statuses, and Kafka Connect's error body
 * `{"error_code": <status>, "message": "..."}` for every 4xx and 5xx answer.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { ConnectError, ConnectErrorCode } from '../api/errors';

const STATUS_BY_CODE: Partial<Record<ConnectErrorCode, number>> = {
  [ConnectErrorCode.NOT_FOUND]: 404,
  [ConnectErrorCode.ALREADY_EXISTS]: 409,
  [ConnectErrorCode.CONFLICT]: 409,
  [ConnectErrorCode.BAD_REQUEST]: 400,
  [ConnectErrorCode.CONFIG_INVALID]: 400,
};

/** An error the REST layer raises itself, with its status. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export function badRequest(message: string): ConnectError {
  return new ConnectError(message, { code: ConnectErrorCode.BAD_REQUEST });
}

export function httpStatusOf(err: unknown): number {
  if (err instanceof RestError) return err.status;
  if (err instanceof ConnectError) return STATUS_BY_CODE[err.code] ?? 500;
  // body-parser's errors carry their status: 400 malformed JSON, 413 too large, 415 bad charset.
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

export function sendError(res: Response, status: number, message: string): void {
  res.status(status).json({ error_code: status, message });
}

/** The last middleware: every thrown or rejected error becomes Kafka Connect's error body. */
export function errorHandler(onServerError: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = httpStatusOf(err);
    if (status >= 500) onServerError(err);
    const type = (err as { type?: unknown } | null)?.type;
    let message = err instanceof Error ? err.message : String(err);
    if (type === 'entity.parse.failed') message = `Request body is not valid JSON: ${message}`;
    else if (type === 'entity.too.large') message = `Request body is larger than the limit of ${(err as { limit?: number }).limit} bytes`;
    sendError(res, status, message);
  };
}
