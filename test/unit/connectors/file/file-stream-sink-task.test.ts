/** FileStreamSinkTask against real files in a temp directory. */
import fs from 'node:fs';
import path from 'node:path';
import {
  BigDecimal,
  type OffsetAndMetadata,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
  topicPartition,
  TopicPartitionMap,
} from '../../../../connect-runtime/api';
import { FileStreamSinkTask } from '../../../../connectors/file';
import { removeDir, tempDir } from '../../../helpers/broker-harness';
import { sinkContext } from './file-test-support';

let dir: string;
let file: string;
const running: FileStreamSinkTask[] = [];

beforeEach(() => {
  dir = tempDir('sluice-file-sink-');
  file = path.join(dir, 'out.txt');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  removeDir(dir);
});

async function startTask(props: Record<string, string> = {}): Promise<FileStreamSinkTask> {
  const task = new FileStreamSinkTask();
  const config = { file, topics: 'in', ...props };
  task.initialize(sinkContext(config));
  running.push(task);
  await task.start(config);
  return task;
}

let nextOffset = 0;
function record(value: unknown, valueSchema: Schema | null = null): SinkRecord {
  return new SinkRecord({ topic: 'in', kafkaPartition: 0, kafkaOffset: nextOffset++, valueSchema, value });
}

function offsetsUpTo(offset: number): TopicPartitionMap<OffsetAndMetadata> {
  return new TopicPartitionMap([[topicPartition('in', 0), { offset }]]);
}

test('appends one line per record to an existing file; everything put is on disk after flush', async () => {
  fs.writeFileSync(file, 'already there\n');
  const task = await startTask();
  await task.put([record('a'), record('b')]);
  await task.put([]);
  await task.put([record('c')]);
  await task.flush(offsetsUpTo(3));
  expect(fs.readFileSync(file, 'utf8')).toBe('already there\na\nb\nc\n');
  await task.put([record('d')]);
  await task.flush(offsetsUpTo(4));
  await task.stop();
  expect(fs.readFileSync(file, 'utf8')).toBe('already there\na\nb\nc\nd\n');
});

test('preCommit flushes and returns the offsets it was given', async () => {
  const task = await startTask();
  await task.put([record('x')]);
  const offsets = offsetsUpTo(1);
  expect(await task.preCommit(offsets)).toBe(offsets);
  expect(fs.readFileSync(file, 'utf8')).toBe('x\n');
});

test('creates the file when it does not exist', async () => {
  file = path.join(dir, 'new.txt');
  const task = await startTask();
  expect(fs.existsSync(file)).toBe(true);
  await task.put([record('first')]);
  await task.flush(offsetsUpTo(1));
  expect(fs.readFileSync(file, 'utf8')).toBe('first\n');
});

test('writes values as Kafka prints them, bytes as UTF-8', async () => {
  const schema = SchemaBuilder.struct().name('Row').field('id', Schema.INT32_SCHEMA).field('name', Schema.OPTIONAL_STRING_SCHEMA).build();
  const struct = new Struct(schema).put('id', 7).put('name', 'seven');
  const task = await startTask();
  await task.put([
    record('plain text'),
    record('ünïcødé ✓'),
    record(Buffer.from('bytes 😀', 'utf8'), Schema.BYTES_SCHEMA),
    record(null),
    record(42, Schema.INT32_SCHEMA),
    record(1, Schema.FLOAT64_SCHEMA),
    record(1e7, Schema.FLOAT64_SCHEMA),
    record(0.5, Schema.FLOAT32_SCHEMA),
    record(12345678901234567890n, Schema.INT64_SCHEMA),
    record(true, Schema.BOOLEAN_SCHEMA),
    record(struct, schema),
    record(['a', 'b']),
    record({ k: 1 }),
    record(BigDecimal.parse('12.50')),
  ]);
  await task.flush(offsetsUpTo(14));
  expect(fs.readFileSync(file, 'utf8').split('\n')).toEqual([
    'plain text',
    'ünïcødé ✓',
    'bytes 😀',
    'null',
    '42',
    '1.0',
    '1.0E7',
    '0.5',
    '12345678901234567890',
    'true',
    'Struct{id=7,name=seven}',
    '[a, b]',
    '{k=1}',
    '12.50',
    '',
  ]);
});

test('put after stop fails with a clear error, and stop is idempotent', async () => {
  const task = await startTask();
  await task.stop();
  await task.stop();
  await expect(task.put([record('late')])).rejects.toThrow(/not started or already stopped/);
});

test('refuses a missing file setting and a file it cannot create', async () => {
  const task = new FileStreamSinkTask();
  await expect(task.start({ topics: 'in' })).rejects.toThrow(/Missing required configuration "file"/);
  await expect(task.start({ file: path.join(dir, 'no', 'such', 'dir', 'out.txt') })).rejects.toThrow(/Couldn't find or create file/);
});
