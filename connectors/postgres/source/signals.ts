/**
 * Rows of the signal table (`signal.data.collection`, Debezium's `(id, type, data)`) as the stream delivers them:
 * ad hoc snapshot requests and the watermarks this connector writes around incremental snapshot chunks.
 */

export const WINDOW_OPEN = 'snapshot-window-open';
export const WINDOW_CLOSE = 'snapshot-window-close';

export interface SnapshotRequest {
  /** Regexes over `<schema>.<table>` (exact names match themselves). */
  dataCollections: string[];
  kind: 'incremental' | 'blocking';
  /** `additional-conditions`: a WHERE condition per data collection. */
  conditions: Map<string, string>;
}

export type Signal =
  | { type: 'execute-snapshot'; id: string; request: SnapshotRequest }
  | { type: 'stop-snapshot'; id: string; dataCollections: string[] }
  | { type: 'window-open' | 'window-close'; id: string }
  | { type: 'log'; id: string; message: string }
  | { type: 'unknown'; id: string; signalType: string }
  | { type: 'invalid'; id: string; reason: string };

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Interprets one signal row (id, type, data); `data` is the JSON text of the third column. */
export function parseSignal(id: string, type: string, data: string | null): Signal {
  if (type === WINDOW_OPEN) return { type: 'window-open', id };
  if (type === WINDOW_CLOSE) return { type: 'window-close', id };
  let json: Record<string, unknown> = {};
  if (data !== null && data.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(data);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      else return { type: 'invalid', id, reason: 'data is not a JSON object' };
    } catch (err) {
      return { type: 'invalid', id, reason: `data is not JSON: ${(err as Error).message}` };
    }
  }
  switch (type) {
    case 'execute-snapshot': {
      const collections = asStrings(json['data-collections']);
      if (collections.length === 0) return { type: 'invalid', id, reason: 'execute-snapshot needs "data-collections"' };
      const kind = String(json['type'] ?? 'incremental').toLowerCase();
      if (kind !== 'incremental' && kind !== 'blocking') return { type: 'invalid', id, reason: `unknown snapshot type "${kind}"` };
      const conditions = new Map<string, string>();
      for (const c of Array.isArray(json['additional-conditions']) ? (json['additional-conditions'] as unknown[]) : []) {
        const entry = c as { 'data-collection'?: unknown; filter?: unknown };
        if (typeof entry['data-collection'] === 'string' && typeof entry.filter === 'string') conditions.set(entry['data-collection'], entry.filter);
      }
      return { type: 'execute-snapshot', id, request: { dataCollections: collections, kind, conditions } };
    }
    case 'stop-snapshot':
      return { type: 'stop-snapshot', id, dataCollections: asStrings(json['data-collections']) };
    case 'log':
      return { type: 'log', id, message: String(json['message'] ?? '') };
    default:
      return { type: 'unknown', id, signalType: type };
  }
}
