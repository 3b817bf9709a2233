/**
 * Kafka's DefaultMessageFormatter: each record printed as its selected fields joined by
 * key.separator, e.g. `CreateTime:1700000000000\tPartition:0\tOffset:5\tkey\tvalue`. Keys and values
 * are written as raw bytes (Kafka's console consumer uses byte-array deserializers).
 */
import type { ConsumedRecord } from '../../broker/client/record-batch-reader';
import { booleanProperty } from './args';

export interface FormatterOptions {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  headersKeySeparator: Buffer;
  nullLiteral: Buffer;
}

export function formatterOptions(props: Record<string, string>): FormatterOptions {
  return {
    printTimestamp: booleanProperty(props, 'print.timestamp'),
    printPartition: booleanProperty(props, 'print.partition'),
    printOffset: booleanProperty(props, 'print.offset'),
    printHeaders: booleanProperty(props, 'print.headers'),
    printKey: booleanProperty(props, 'print.key'),
    printValue: booleanProperty(props, 'print.value', true),
    keySeparator: Buffer.from(unescapeSeparator(props['key.separator'] ?? '\t')),
    lineSeparator: Buffer.from(unescapeSeparator(props['line.separator'] ?? '\n')),
    headersSeparator: Buffer.from(unescapeSeparator(props['headers.separator'] ?? ',')),
    headersKeySeparator: Buffer.from(unescapeSeparator(props['headers.key.separator'] ?? ':')),
    nullLiteral: Buffer.from(props['null.literal'] ?? 'null'),
  };
}

/** A shell passes `\t` as two characters; accept the usual escapes as Kafka users type them. */
function unescapeSeparator(s: string): string {
  return s.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] as string);
}

/** Appends the formatted record to `out`. */
export function formatRecord(out: Buffer[], r: ConsumedRecord, partition: number, o: FormatterOptions): void {
  // Each field is followed by key.separator when another field follows, else by line.separator.
  const sep = (more: boolean): void => {
    out.push(more ? o.keySeparator : o.lineSeparator);
  };
  if (o.printTimestamp) {
    out.push(Buffer.from(`${r.timestampType}:${r.timestamp}`));
    sep(o.printPartition || o.printOffset || o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printPartition) {
    out.push(Buffer.from(`Partition:${partition}`));
    sep(o.printOffset || o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printOffset) {
    out.push(Buffer.from(`Offset:${r.offset}`));
    sep(o.printHeaders || o.printKey || o.printValue);
  }
  if (o.printHeaders) {
    if (r.headers.length === 0) out.push(Buffer.from('NO_HEADERS'));
    r.headers.forEach(([k, v], i) => {
      if (i > 0) out.push(o.headersSeparator);
      out.push(Buffer.from(k), o.headersKeySeparator, v ?? o.nullLiteral);
    });
    sep(o.printKey || o.printValue);
  }
  if (o.printKey) {
    out.push(r.key ?? o.nullLiteral);
    sep(o.printValue);
  }
  if (o.printValue) {
    out.push(r.value ?? o.nullLiteral);
    out.push(o.lineSeparator);
  }
}
