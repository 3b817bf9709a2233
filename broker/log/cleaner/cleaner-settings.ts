/** The broker-level cleaner properties (Kafka's names), parsed and checked once at start-up. */

export interface CleanerSettings {
  /** log.cleaner.enable: run the background cleaner. */
  enable: boolean;
  /** log.cleaner.backoff.ms: pause between two checks for logs to clean. */
  backoffMs: number;
  /** log.cleaner.dedupe.buffer.size: the most memory the key → offset map may take. */
  dedupeBufferBytes: number;
  /** log.cleaner.io.buffer.load.factor: how full the map may get at that size. */
  loadFactor: number;
}

export const CLEANER_DEFAULTS: CleanerSettings = {
  enable: true,
  backoffMs: 15_000,
  dedupeBufferBytes: 134_217_728,
  loadFactor: 0.9,
};

function number(props: Record<string, string>, name: string, dflt: number, ok: (n: number) => boolean, what: string): number {
  const raw = props[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || !ok(n)) throw new Error(`${name}="${raw}" must be ${what}`);
  return n;
}

/** Throws an Error naming the property when a value is malformed. */
export function parseCleanerSettings(props: Record<string, string>): CleanerSettings {
  const enableRaw = props['log.cleaner.enable']?.trim().toLowerCase();
  if (enableRaw !== undefined && enableRaw !== '' && enableRaw !== 'true' && enableRaw !== 'false') {
    throw new Error(`log.cleaner.enable="${props['log.cleaner.enable']}" must be true or false`);
  }
  return {
    enable: enableRaw === undefined || enableRaw === '' ? CLEANER_DEFAULTS.enable : enableRaw === 'true',
    backoffMs: number(props, 'log.cleaner.backoff.ms', CLEANER_DEFAULTS.backoffMs, (n) => Number.isInteger(n) && n >= 1, 'a whole number of milliseconds >= 1'),
    dedupeBufferBytes: number(props, 'log.cleaner.dedupe.buffer.size', CLEANER_DEFAULTS.dedupeBufferBytes, (n) => Number.isInteger(n) && n >= 1024, 'a whole number of bytes >= 1024'),
    loadFactor: number(props, 'log.cleaner.io.buffer.load.factor', CLEANER_DEFAULTS.loadFactor, (n) => n > 0 && n <= 0.95, 'a number above 0 and at most 0.95'),
  };
}
