/**
 * `sluice console-producer`: Kafka's kafka-console-producer. Each stdin line becomes a record
 * (optionally `key<separator>value`, with headers first when parse.headers=true). Records are batched
 * per partition, keyed ones partitioned with murmur2 and unkeyed ones sticky per batch; the tool waits
 * for every acknowledgement before it exits, and exits non-zero if the broker refused anything.
 */
import { loadCompression, compressionCodecOf } from '../../broker/client/compression';
import { KafkaClient } from '../../broker/client/kafka-client';
import { Producer } from '../../broker/client/producer';
import type { RecordHeader } from '../../broker/client/record-batch-builder';
import { UsageError, booleanProperty, clientProperties, intProperty, parseAcks, parseKeyValues, type FlagSpec, type ParsedArgs } from './args';
import { isAbort, runTool, shutdownSignal } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', aliases: ['broker-list'], description: 'REQUIRED: the broker(s) to connect to.' },
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'REQUIRED: the topic to produce to.' },
  { name: 'property', kind: 'list', valueName: 'key=value', description: 'Line reader properties: parse.key, key.separator, ignore.error, null.marker, parse.headers, headers.delimiter, headers.separator, headers.key.separator.' },
  { name: 'compression-codec', kind: 'value', valueName: 'codec', implicit: 'gzip', description: "none, gzip, snappy, lz4 or zstd; alone it means 'gzip'." },
  { name: 'producer-property', kind: 'list', valueName: 'key=value', description: 'Producer properties (acks, batch.size, linger.ms, compression.type, ...).' },
  { name: 'producer.config', kind: 'value', valueName: 'file', description: 'Producer properties file.' },
  { name: 'batch-size', kind: 'value', valueName: 'bytes', description: 'batch.size (default 16384).' },
  { name: 'request-required-acks', kind: 'value', valueName: 'acks', description: 'acks: all, -1, 0 or 1 (default all).' },
  { name: 'request-timeout-ms', kind: 'value', valueName: 'ms', description: 'How long the broker may take to ack (default 1500).' },
  { name: 'timeout', kind: 'value', valueName: 'ms', description: 'linger.ms: how long a partial batch waits (default 1000).' },
  { name: 'sync', kind: 'boolean', description: 'Send each line on its own and wait for its ack.' },
];

const DEF = { command: 'console-producer', summary: 'Reads lines from standard input and publishes them to a topic.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

export interface LineReaderOptions {
  parseKey: boolean;
  keySeparator: string;
  ignoreError: boolean;
  nullMarker: string | undefined;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
}

export function lineReaderOptions(props: Record<string, string>): LineReaderOptions {
  return {
    parseKey: booleanProperty(props, 'parse.key'),
    keySeparator: props['key.separator'] ?? '\t',
    ignoreError: booleanProperty(props, 'ignore.error'),
    nullMarker: props['null.marker'],
    parseHeaders: booleanProperty(props, 'parse.headers'),
    headersDelimiter: props['headers.delimiter'] ?? '\t',
    headersSeparator: props['headers.separator'] ?? ',',
    headersKeySeparator: props['headers.key.separator'] ?? ':',
  };
}

export interface ParsedLine {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Splits one line the way Kafka's LineMessageReader does: [headers<delim>][key<sep>]value. */
export function parseLine(line: Buffer, lineNumber: number, o: LineReaderOptions): ParsedLine {
  if (!o.parseKey && !o.parseHeaders) return { key: null, value: nullable(line, o), headers: [] };
  let rest = line.toString('utf8');
  const take = (sep: string, what: string): string | null => {
    const i = rest.indexOf(sep);
    if (i < 0) {
      if (o.ignoreError) return null;
      throw new Error(`No ${what} found on line number ${lineNumber}: '${line.toString('utf8')}'`);
    }
    const head = rest.slice(0, i);
    rest = rest.slice(i + sep.length);
    return head;
  };
  const headers: RecordHeader[] = [];
  if (o.parseHeaders) {
    const h = take(o.headersDelimiter, 'headers delimiter');
    if (h !== null && h !== '') {
      for (const item of h.split(o.headersSeparator)) {
        const i = item.indexOf(o.headersKeySeparator);
        if (i < 0) throw new Error(`No header key separator found in pair '${item}' on line number ${lineNumber}`);
        const v = item.slice(i + o.headersKeySeparator.length);
        headers.push([item.slice(0, i), v === o.nullMarker ? null : Buffer.from(v)]);
      }
    }
  }
  let key: Buffer | null = null;
  if (o.parseKey) {
    const k = take(o.keySeparator, 'key separator');
    key = k === null || k === o.nullMarker ? null : Buffer.from(k);
  }
  return { key, value: rest === o.nullMarker ? null : Buffer.from(rest), headers };
}

function nullable(b: Buffer, o: LineReaderOptions): Buffer | null {
  return o.nullMarker !== undefined && b.toString('utf8') === o.nullMarker ? null : b;
}

/**
 * Splits stdin chunks into lines (Buffers without the terminator, views into the chunk) without
 * decoding them. Synchronous per chunk: an await per line would cost more than producing it.
 */
export class LineSplitter {
  private carry: Buffer | null = null;

  /** Calls `onLine` for each complete line in `chunk`. */
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    const buf: Buffer = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      onLine(buf.subarray(start, nl > start && buf[nl - 1] === 13 ? nl - 1 : nl));
      start = nl + 1;
    }
    if (start < buf.length) this.carry = buf.subarray(start);
  }

  /** The last line when the input did not end with a newline. */
  end(onLine: (line: Buffer) => void): void {
    const c = this.carry;
    this.carry = null;
    if (c && c.length > 0) onLine(c[c.length - 1] === 13 ? c.subarray(0, c.length - 1) : c);
  }
}

async function main(args: ParsedArgs): Promise<number> {
  const bootstrap = args.required('bootstrap-server');
  const topic = args.required('topic');
  const props = clientProperties(args.value('producer.config'), args.list('producer-property'), 'producer-property');
  const reader = lineReaderOptions(parseKeyValues(args.list('property'), 'property'));
  const codecName = args.value('compression-codec') ?? props['compression.type'] ?? 'none';
  let codec: number;
  try {
    codec = compressionCodecOf(codecName);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await loadCompression(codec);
  const acks = parseAcks(args.value('request-required-acks') ?? props.acks);
  const batchSize = args.int('batch-size') ?? intProperty(props, 'batch.size', 16384);
  const lingerMs = args.int('timeout') ?? intProperty(props, 'linger.ms', 1000);
  const timeoutMs = args.int('request-timeout-ms') ?? intProperty(props, 'request.timeout.ms', 1500);
  const sync = args.has('sync');

  const stop = shutdownSignal();
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'console-producer', signal: stop.signal });
  const producer = new Producer(client, { acks, batchSize, lingerMs: sync ? 0 : lingerMs, compression: codec, timeoutMs, maxInFlight: sync ? 1 : 5 });
  let failure: Error | null = null;
  try {
    await producer.partitionsOf(topic);
    // Ctrl-C stops reading; whatever was read is still sent before exiting, as Kafka's shutdown hook does.
    stop.signal.addEventListener('abort', () => process.stdin.destroy(), { once: true });
    let n = 0;
    // Values are views into a stdin chunk; the batch builder copies them on append.
    const waits: Array<Promise<void>> = [];
    const onLine = (line: Buffer): void => {
      n++;
      const { key, value, headers } = parseLine(line, n, reader);
      const wait = producer.send({ topic, key, value, headers });
      if (wait) waits.push(wait);
    };
    const splitter = new LineSplitter();
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      if (stop.signal.aborted) break;
      if (sync) {
        // One record at a time, each acknowledged before the next is sent.
        const pending: Buffer[] = [];
        splitter.push(chunk, (line) => pending.push(line));
        for (const line of pending) {
          onLine(line);
          await Promise.all(waits.splice(0));
          await producer.flush();
        }
        continue;
      }
      splitter.push(chunk, onLine);
      // Back-pressure: the producer asked to wait (buffer full or many batches queued).
      if (waits.length > 0) await Promise.all(waits.splice(0));
    }
    splitter.end(onLine);
    await Promise.all(waits.splice(0));
  } catch (err) {
    if (!isAbort(err) && !stop.signal.aborted) failure = err as Error;
  }
  try {
    await producer.flush();
  } catch (err) {
    failure ??= err as Error;
  } finally {
    producer.close();
    client.close();
    stop.dispose();
  }
  if (failure) {
    process.stderr.write(`Error: ${failure.message}\n`);
    return 1;
  }
  return 0;
}
