/**
 * `sluice producer-perf-test`: Kafka's ProducerPerformance. Sends --num-records records of
 * --record-size random uppercase bytes (or lines of --payload-file) as fast as possible or at
 * --throughput records/s, pipelining batches of batch.size bytes, and prints Kafka's lines: a window
 * summary every 5 s and a final summary with latency percentiles (latency = send to ack).
 */
import fs from 'node:fs';
import { compressionCodecOf, loadCompression } from '../../broker/client/compression';
import { KafkaClient } from '../../broker/client/kafka-client';
import { Producer, type BatchAck } from '../../broker/client/producer';
import { UsageError, clientProperties, intProperty, parseAcks, type FlagSpec, type ParsedArgs } from './args';
import { fixed, isAbort, runTool, shutdownSignal } from './tool-runtime';

const FLAGS: FlagSpec[] = [
  { name: 'topic', kind: 'value', valueName: 'topic', description: 'REQUIRED: the topic to produce to.' },
  { name: 'num-records', kind: 'value', valueName: 'n', description: 'REQUIRED: number of records to send.' },
  { name: 'record-size', kind: 'value', valueName: 'bytes', description: 'Record size (or use --payload-file).' },
  { name: 'payload-file', kind: 'value', valueName: 'file', description: 'Send random lines of this file as values.' },
  { name: 'payload-delimiter', kind: 'value', valueName: 'text', description: 'Separator of payloads in --payload-file (default \\n).' },
  { name: 'throughput', kind: 'value', valueName: 'n', description: 'REQUIRED: records/s to aim for; -1 for no limit.' },
  { name: 'producer-props', kind: 'multi', valueName: 'key=value', description: 'Producer properties: bootstrap.servers (required unless --bootstrap-server), acks, batch.size, linger.ms, compression.type, ...' },
  { name: 'producer.config', kind: 'value', valueName: 'file', description: 'Producer properties file.' },
  { name: 'bootstrap-server', kind: 'value', valueName: 'host:port', description: 'The broker(s) to connect to (overrides bootstrap.servers).' },
  { name: 'print-metrics', kind: 'boolean', description: 'Accepted for compatibility; no metrics are printed.' },
];

const DEF = { command: 'producer-perf-test', summary: 'Measures producer throughput and latency.', flags: FLAGS };

export function run(argv: string[]): Promise<number> {
  return runTool(DEF, argv, main);
}

const REPORT_INTERVAL_MS = 5000;
const MAX_SAMPLES = 500000;

/** Kafka's Stats: a window that is printed and reset every 5 s, totals, and sampled latencies. */
class Stats {
  private readonly start = Date.now();
  private count = 0;
  private bytes = 0;
  private totalLatency = 0;
  private maxLatency = 0;
  private windowStart = Date.now();
  private windowCount = 0;
  private windowBytes = 0;
  private windowTotalLatency = 0;
  private windowMaxLatency = 0;
  private readonly samples: Int32Array;
  private sampled = 0;
  private readonly sampling: number;

  constructor(numRecords: number) {
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, MAX_SAMPLES)));
    this.samples = new Int32Array(Math.ceil(numRecords / this.sampling) + 1);
  }

  record(latency: number, bytes: number): void {
    if (this.count % this.sampling === 0 && this.sampled < this.samples.length) this.samples[this.sampled++] = latency;
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latency;
    if (latency > this.maxLatency) this.maxLatency = latency;
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latency;
    if (latency > this.windowMaxLatency) this.windowMaxLatency = latency;
  }

  /** The 5-second line, or null when nothing was acknowledged in the window. */
  windowLine(now: number): string | null {
    const elapsed = now - this.windowStart;
    if (this.windowCount === 0 || elapsed <= 0) return null;
    const line =
      `${this.windowCount} records sent, ${fixed((1000 * this.windowCount) / elapsed, 1)} records/sec (${fixed((1000 * this.windowBytes) / elapsed / (1024 * 1024), 2)} MB/sec),` +
      ` ${fixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${fixed(this.windowMaxLatency, 1)} ms max latency.`;
    this.windowStart = now;
    this.windowCount = 0;
    this.windowBytes = 0;
    this.windowTotalLatency = 0;
    this.windowMaxLatency = 0;
    return line;
  }

  finalLine(): string {
    const elapsed = Math.max(1, Date.now() - this.start);
    const sorted = this.samples.slice(0, this.sampled).sort();
    const pct = (p: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number));
    return (
      `${this.count} records sent, ${fixed((1000 * this.count) / elapsed, 6)} records/sec (${fixed((1000 * this.bytes) / elapsed / (1024 * 1024), 2)} MB/sec),` +
      ` ${fixed(this.count === 0 ? 0 : this.totalLatency / this.count, 2)} ms avg latency, ${fixed(this.maxLatency, 2)} ms max latency,` +
      ` ${pct(0.5)} ms 50th, ${pct(0.95)} ms 95th, ${pct(0.99)} ms 99th, ${pct(0.999)} ms 99.9th.`
    );
  }
}

function payloads(args: ParsedArgs): Buffer[] {
  const file = args.value('payload-file');
  const size = args.int('record-size');
  if ((file === undefined) === (size === undefined)) throw new UsageError('Exactly one of --record-size or --payload-file must be given');
  if (file !== undefined) {
    const delimiter = (args.value('payload-delimiter') ?? '\\n').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    const list = fs.readFileSync(file, 'utf8').split(delimiter).filter((s) => s !== '').map((s) => Buffer.from(s));
    if (list.length === 0) throw new UsageError(`--payload-file ${file} has no payloads`);
    return list;
  }
  if ((size as number) < 0) throw new UsageError('--record-size must not be negative');
  // Like Kafka: one random payload of uppercase letters, reused for every record.
  const payload = Buffer.allocUnsafe(size as number);
  for (let i = 0; i < payload.length; i++) payload[i] = 65 + Math.floor(Math.random() * 26);
  return [payload];
}

async function main(args: ParsedArgs): Promise<number> {
  const topic = args.required('topic');
  const numRecords = args.int('num-records') as number;
  if (!args.has('num-records')) throw new UsageError('Missing required argument "--num-records"');
  const throughput = args.int('throughput');
  if (throughput === undefined) throw new UsageError('Missing required argument "--throughput"');
  const values = payloads(args);
  const props = clientProperties(args.value('producer.config'), args.list('producer-props'), 'producer-props');
  const bootstrap = args.value('bootstrap-server') ?? props['bootstrap.servers'];
  if (!bootstrap) throw new UsageError('bootstrap.servers must be given in --producer-props, --producer.config or --bootstrap-server');
  let codec: number;
  try {
    codec = compressionCodecOf(props['compression.type'] ?? 'none');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await loadCompression(codec);

  const stop = shutdownSignal();
  const client = await KafkaClient.connect({ bootstrapServers: bootstrap, clientId: props['client.id'] ?? 'perf-producer-client', requestTimeoutMs: intProperty(props, 'request.timeout.ms', 30000), signal: stop.signal });
  const stats = new Stats(numRecords);
  // Like Kafka, throughput counts payload bytes (the mean payload size with --payload-file).
  const payloadBytes = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  const onBatchAcked = (ack: BatchAck): void => {
    if (ack.error || !ack.appendTimes) return;
    const now = Date.now();
    for (const t of ack.appendTimes) stats.record(now - t, payloadBytes);
  };
  const producer = new Producer(client, {
    acks: parseAcks(props.acks),
    batchSize: intProperty(props, 'batch.size', 16384),
    lingerMs: intProperty(props, 'linger.ms', 5),
    compression: codec,
    maxInFlight: intProperty(props, 'max.in.flight.requests.per.connection', 5),
    bufferMemory: intProperty(props, 'buffer.memory', 33554432),
    maxRequestSize: intProperty(props, 'max.request.size', 1048576),
    timeoutMs: intProperty(props, 'delivery.timeout.ms', 30000),
    trackLatency: true,
    onBatchAcked,
  });
  const reporter = setInterval(() => {
    const line = stats.windowLine(Date.now());
    if (line) process.stdout.write(`${line}\n`);
  }, REPORT_INTERVAL_MS);
  let failure: Error | null = null;
  try {
    await producer.partitionsOf(topic);
    const start = Date.now();
    for (let i = 0; i < numRecords && !stop.signal.aborted; i++) {
      const value = values.length === 1 ? (values[0] as Buffer) : (values[Math.floor(Math.random() * values.length)] as Buffer);
      const wait = producer.send({ topic, key: null, value });
      if (wait) await wait;
      if (throughput > 0) {
        // Kafka's ThroughputThrottler: stay on the schedule of `throughput` records per second.
        const due = start + ((i + 1) * 1000) / throughput;
        const ahead = due - Date.now();
        if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
      }
    }
    await producer.flush();
  } catch (err) {
    if (!isAbort(err)) failure = err as Error;
    await producer.flush().catch(() => undefined);
  } finally {
    clearInterval(reporter);
    producer.close();
    client.close();
    stop.dispose();
  }
  failure ??= producer.error;
  process.stdout.write(`${stats.finalLine()}\n`);
  if (failure) {
    process.stderr.write(`Error: ${failure.message}\n`);
    return 1;
  }
  return 0;
}
