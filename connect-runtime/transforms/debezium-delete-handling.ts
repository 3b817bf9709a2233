/**
 * How ExtractNewRecordState treats delete events and the tombstones that follow them. Debezium's current option is
 * `delete.tombstone.handling.mode`:
 *   drop                    deletes and tombstones are dropped
 *   tombstone (default)     a delete becomes a record with a null value (the `after` schema kept); tombstones dropped
 *   rewrite                 a delete becomes its `before` row plus `__deleted=true`; tombstones dropped
 *   rewrite-with-tombstone  as rewrite, and tombstones kept
 *   delete-to-tombstone     a delete becomes a real tombstone (null value and schema); tombstones dropped
 * With rewrite modes, inserts and updates get `__deleted=false`. Configs written for Debezium 2.x and 3.0/3.1 use
 * the older `drop.tombstones` (default true) and `delete.handling.mode` (`none`/`drop` (default)/`rewrite`); when
 * `delete.tombstone.handling.mode` is absent and either of those is present, they are honoured as those releases did.
 */
import { CaseInsensitiveValidString, ConfigError, type ConfigKeyDefinition } from '../api';

export const DELETE_TOMBSTONE_HANDLING_MODE_CONFIG = 'delete.tombstone.handling.mode';
export const DROP_TOMBSTONES_CONFIG = 'drop.tombstones';
export const DELETE_HANDLING_MODE_CONFIG = 'delete.handling.mode';

const MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;
const LEGACY_MODES = ['none', 'drop', 'rewrite'] as const;

export interface DeleteHandling {
  /** Whether tombstones (null-valued records) pass through. */
  readonly keepTombstones: boolean;
  /** What a delete event becomes. */
  readonly deletes: 'drop' | 'null-value' | 'tombstone' | 'rewrite';
  /** Whether unwrapped records get a `__deleted` field. */
  readonly rewrite: boolean;
}

export const DELETE_HANDLING_DEFINITIONS: readonly ConfigKeyDefinition[] = [
  {
    name: DELETE_TOMBSTONE_HANDLING_MODE_CONFIG, type: 'STRING', default: 'tombstone', validator: CaseInsensitiveValidString.in(...MODES),
    importance: 'MEDIUM', width: 'MEDIUM', displayName: 'Handle delete and tombstone records',
    documentation:
      'How delete events and tombstones are handled: drop (remove both), tombstone (a delete becomes a null value; ' +
      'tombstones are removed), rewrite (a delete becomes its before state with __deleted=true; tombstones are removed), ' +
      'rewrite-with-tombstone (as rewrite, keeping tombstones), delete-to-tombstone (a delete becomes a tombstone; ' +
      'tombstones are removed).',
  },
  {
    name: DROP_TOMBSTONES_CONFIG, type: 'BOOLEAN', default: true, importance: 'LOW', width: 'SHORT', displayName: 'Drop tombstones',
    documentation: `Deprecated: whether tombstones are dropped. Read only when ${DELETE_TOMBSTONE_HANDLING_MODE_CONFIG} is not set.`,
  },
  {
    name: DELETE_HANDLING_MODE_CONFIG, type: 'STRING', default: 'drop', validator: CaseInsensitiveValidString.in(...LEGACY_MODES),
    importance: 'MEDIUM', width: 'MEDIUM', displayName: 'Handle delete records',
    documentation:
      `Deprecated: none (a delete becomes a null value), drop (deletes are removed) or rewrite (a delete becomes its before ` +
      `state with __deleted=true). Read only when ${DELETE_TOMBSTONE_HANDLING_MODE_CONFIG} is not set.`,
  },
];

function isSet(raw: Readonly<Record<string, unknown>>, key: string): boolean {
  const value = raw[key];
  return value !== undefined && value !== null && String(value).trim() !== '';
}

/** The handling the configuration asks for; `raw` tells which keys were given, `parsed` holds their values. */
export function deleteHandlingFrom(raw: Readonly<Record<string, unknown>>, parsed: { mode: string; dropTombstones: boolean; legacyMode: string }): DeleteHandling {
  const legacy = !isSet(raw, DELETE_TOMBSTONE_HANDLING_MODE_CONFIG) && (isSet(raw, DROP_TOMBSTONES_CONFIG) || isSet(raw, DELETE_HANDLING_MODE_CONFIG));
  if (legacy) {
    const mode = parsed.legacyMode.toLowerCase();
    const deletes = mode === 'none' ? 'null-value' : mode === 'rewrite' ? 'rewrite' : 'drop';
    return { keepTombstones: !parsed.dropTombstones, deletes, rewrite: mode === 'rewrite' };
  }
  switch (parsed.mode.toLowerCase()) {
    case 'drop':
      return { keepTombstones: false, deletes: 'drop', rewrite: false };
    case 'tombstone':
      return { keepTombstones: false, deletes: 'null-value', rewrite: false };
    case 'rewrite':
      return { keepTombstones: false, deletes: 'rewrite', rewrite: true };
    case 'rewrite-with-tombstone':
      return { keepTombstones: true, deletes: 'rewrite', rewrite: true };
    case 'delete-to-tombstone':
      return { keepTombstones: false, deletes: 'tombstone', rewrite: false };
    default:
      throw ConfigError.invalidValue(DELETE_TOMBSTONE_HANDLING_MODE_CONFIG, parsed.mode, `String must be one of (case insensitive): ${MODES.join(', ')}`);
  }
}
