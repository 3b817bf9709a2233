/**
 * Shapes of request bodies, checked with ajv before they reach the herder. Config maps are
 * `Map<String,String>` in Kafka Connect: JSON numbers and booleans are accepted and turned into
 * strings (as Jackson does); objects and arrays are refused with the key named.
 */
import Ajv, { type ErrorObject } from 'ajv';
import { badRequest } from './rest-errors';
import type { ConnectorOffset, InitialState } from '../herder/herder';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

const configValue = { type: ['string', 'number', 'boolean'] };
const configMap = { type: 'object', additionalProperties: configValue };
const patchMap = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } };

const validateCreate = ajv.compile({
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    config: configMap,
    initial_state: { type: 'string' },
  },
});
const validateConfig = ajv.compile(configMap);
const validatePatch = ajv.compile(patchMap);
const validateOffsets = ajv.compile({
  type: 'object',
  required: ['offsets'],
  properties: {
    offsets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['partition'],
        properties: { partition: { type: 'object' }, offset: { type: ['object', 'null'] } },
      },
    },
  },
});

function describeErrors(what: string, errors: ErrorObject[] | null | undefined): string {
  const details = (errors ?? []).map((e) => `${e.instancePath === '' ? what : `${what}${e.instancePath.replace(/\//g, '.')}`} ${e.message ?? 'is invalid'}`);
  return details.length > 0 ? details.join('; ') : `${what} is invalid`;
}

function check<T>(validate: (v: unknown) => boolean, body: unknown, what: string): T {
  if (body === undefined) throw badRequest(`${what} is missing: send a JSON body with Content-Type: application/json`);
  if (!validate(body)) throw badRequest(describeErrors(what, (validate as { errors?: ErrorObject[] | null }).errors));
  return body as T;
}

function stringify(config: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = String(v);
  return out;
}

export interface CreateConnectorBody {
  name: string;
  config: Record<string, string>;
  initialState?: InitialState;
}

const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

export function parseInitialState(raw: string | undefined): InitialState | undefined {
  if (raw === undefined) return undefined;
  const state = raw.toUpperCase() as InitialState;
  if (!INITIAL_STATES.includes(state)) throw badRequest(`initial_state must be one of ${INITIAL_STATES.join(', ')}, got "${raw}"`);
  return state;
}

export function parseCreateBody(body: unknown): CreateConnectorBody {
  const b = check<{ name: string; config?: Record<string, string | number | boolean>; initial_state?: string }>(validateCreate, body, 'request body');
  return { name: b.name, config: stringify(b.config ?? {}), initialState: parseInitialState(b.initial_state) };
}

export function parseConfigBody(body: unknown): Record<string, string> {
  return stringify(check(validateConfig, body, 'connector config'));
}

export function parsePatchBody(body: unknown): Record<string, string | null> {
  const b = check<Record<string, string | number | boolean | null>>(validatePatch, body, 'connector config patch');
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(b)) out[k] = v === null ? null : String(v);
  return out;
}

const NO_OFFSETS = 'Partitions / offsets need to be provided for an alter offsets request';

/** `{"offsets": [{partition, offset}]}`; a missing body, a missing or empty list is Kafka's 400. */
export function parseOffsetsBody(body: unknown): ConnectorOffset[] {
  const offsets = (body as { offsets?: unknown } | null | undefined)?.offsets;
  if (offsets === undefined || offsets === null || (Array.isArray(offsets) && offsets.length === 0)) throw badRequest(NO_OFFSETS);
  const b = check<{ offsets: ConnectorOffset[] }>(validateOffsets, body, 'offsets body');
  return b.offsets.map((o) => ({ partition: o.partition, offset: o.offset ?? null }));
}

/** Kafka Connect's rule for names: trimmed, non-empty, no ISO control characters. */
export function connectorName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw badRequest('Connector name is empty');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw badRequest(`Connector name ${JSON.stringify(name)} contains control characters`);
  return name;
}
