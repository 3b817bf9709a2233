/** ApiVersions (18): the advertised ranges come from the handler table, so nothing is listed that is not handled. */
import { ApiKey } from '../protocol/apis';
import { ErrorCode } from '../protocol/error-codes';
import type { ApiHandler } from './types';

export function apiVersionsHandler(table: () => ApiHandler[]): ApiHandler {
  return {
    apiKey: ApiKey.ApiVersions,
    minVersion: 0,
    maxVersion: 3,
    handle: () => ({
      errorCode: ErrorCode.NONE,
      apiKeys: table().map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion })),
      throttleTimeMs: 0,
    }),
  };
}
