/**
 * Request and response headers. A request header's shape depends on whether the API version is
 * flexible (header v2 adds a tag buffer); the client id always keeps the classic int16 length. The
 * ApiVersions response always uses header v0 (no tag buffer) so that any client can read it (KIP-511).
 */
import { API_SCHEMAS, ApiKey } from './apis';
import { isFlexible } from './codec';
import { Reader, Writer } from './primitives';
import { inRange, parseVersions } from './schema';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads api key, version and correlation id: enough to answer even a request we cannot parse. */
export function peekRequestHeader(frame: Buffer): Pick<RequestHeader, 'apiKey' | 'apiVersion' | 'correlationId'> | null {
  if (frame.length < 8) return null;
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export function isSupportedVersion(apiKey: number, apiVersion: number): boolean {
  const api = API_SCHEMAS.get(apiKey);
  return api !== undefined && inRange(parseVersions(api.request.validVersions), apiVersion);
}

/** Decodes the full header of a frame whose api key and version are known; the reader is left at the body. */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.string(false, true);
  const api = API_SCHEMAS.get(apiKey);
  if (api && isFlexible(api.request, apiVersion)) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeRequestHeader(w: Writer, h: RequestHeader): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).string(h.clientId, false);
  const api = API_SCHEMAS.get(h.apiKey);
  if (api && isFlexible(api.request, h.apiVersion)) w.uvarint(0);
}

export function responseHeaderHasTags(apiKey: number, apiVersion: number): boolean {
  if (apiKey === ApiKey.ApiVersions) return false;
  const api = API_SCHEMAS.get(apiKey);
  return api !== undefined && isFlexible(api.response, apiVersion);
}

export function writeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  w.int32(correlationId);
  if (responseHeaderHasTags(apiKey, apiVersion)) w.uvarint(0);
}

export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): number {
  const correlationId = r.int32();
  if (responseHeaderHasTags(apiKey, apiVersion)) r.skipTaggedFields();
  return correlationId;
}
