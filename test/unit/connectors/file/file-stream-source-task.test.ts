/** FileStreamSourceTask against real files in a temp directory. */
import fs from 'node:fs';
import path from 'node:path';
import { Schema } from '../../../../connect-runtime/api';
import { FileStreamSourceTask, type FileStreamSourceTaskOptions } from '../../../../connectors/file';
import { removeDir, tempDir } from '../../../helpers/broker-harness';
import { capturingLogger, MemoryOffsets, pollBatches, pollBriefly, pollRecords, positions, sourceContext, values } from './file-test-support';

let dir: string;
let file: string;
const running: FileStreamSourceTask[] = [];

beforeEach(() => {
  dir = tempDir('sluice-file-source-');
  file = path.join(dir, 'in.txt');
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
  removeDir(dir);
});

interface Started {
  task: FileStreamSourceTask;
  log: ReturnType<typeof capturingLogger>;
}

async function startTask(
  props: Record<string, string> = {},
  offsets = new MemoryOffsets(),
  options: FileStreamSourceTaskOptions = {},
): Promise<Started> {
  const log = capturingLogger();
  // A short idle wait bounds the latency should a change notification be missed; tests never depend on it.
  const task = new FileStreamSourceTask({ idleWaitMs: 100, logger: log, ...options });
  const config = { file, topic: 'lines', ...props };
  task.initialize(sourceContext(config, offsets));
  running.push(task);
  await task.start(config);
  return { task, log };
}

test('emits one STRING record per line, in order, with the file partition and the byte position after the line', async () => {
  fs.writeFileSync(file, 'first\nsecond line\r\n\nlast\n');
  const { task } = await startTask();
  const records = await pollRecords(task, 4);
  expect(values(records)).toEqual(['first', 'second line', '', 'last']);
  expect(positions(records)).toEqual([6, 19, 20, 25]);
  for (const r of records) {
    expect(r.topic).toBe('lines');
    expect(r.kafkaPartition).toBeNull();
    expect(r.key).toBeNull();
    expect(r.keySchema).toBeNull();
    expect(r.valueSchema).toBe(Schema.STRING_SCHEMA);
    expect(r.sourcePartition).toEqual({ filename: file });
    expect(typeof r.timestamp).toBe('number');
  }
  expect(await pollBriefly(task)).toBeNull();
});

test('keeps the partition filename as configured, even when relative', async () => {
  const relative = path.relative(process.cwd(), path.join(dir, 'rel.txt'));
  fs.writeFileSync(relative, 'x\n');
  const { task } = await startTask({ file: relative });
  const [record] = await pollRecords(task, 1);
  expect(record?.sourcePartition).toEqual({ filename: relative });
});

test('returns at most batch.size records per poll', async () => {
  fs.writeFileSync(file, Array.from({ length: 7 }, (_, i) => `line ${i}\n`).join(''));
  const { task } = await startTask({ 'batch.size': '3' });
  const batches = await pollBatches(task, 7);
  expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
  expect(values(batches.flat())).toEqual(Array.from({ length: 7 }, (_, i) => `line ${i}`));
});

test('picks up lines appended later, woken by the change notification rather than by a timeout', async () => {
  fs.writeFileSync(file, 'one\n');
  const { task } = await startTask({}, new MemoryOffsets(), { idleWaitMs: 60_000 });
  expect(values(await pollRecords(task, 1))).toEqual(['one']);
  const pending = task.poll(AbortSignal.timeout(10_000));
  setTimeout(() => fs.appendFileSync(file, 'two\nthree\n'), 50);
  const batch = (await pending) ?? [];
  const rest = batch.length < 2 ? await pollRecords(task, 2 - batch.length) : [];
  expect(values([...batch, ...rest])).toEqual(['two', 'three']);
});

test('holds back a last line without its newline until the newline arrives', async () => {
  fs.writeFileSync(file, 'complete\nparti');
  const { task } = await startTask();
  expect(values(await pollRecords(task, 1))).toEqual(['complete']);
  expect(await pollBriefly(task)).toBeNull();
  fs.appendFileSync(file, 'al');
  expect(await pollBriefly(task)).toBeNull();
  fs.appendFileSync(file, ' line\nnext');
  const records = await pollRecords(task, 1);
  expect(values(records)).toEqual(['partial line']);
  expect(positions(records)).toEqual([22]);
  expect(await pollBriefly(task)).toBeNull();
});

test('a restarted task resumes right after the last committed line', async () => {
  fs.writeFileSync(file, 'a\nbb\nccc\n');
  const offsets = new MemoryOffsets();
  const first = await startTask({}, offsets);
  const records = await pollRecords(first.task, 3);
  offsets.commit(records[1]!); // only a and bb were committed before the task went away
  await first.task.stop();

  fs.appendFileSync(file, 'dddd\n');
  const second = await startTask({}, offsets);
  const resumed = await pollRecords(second.task, 2);
  expect(values(resumed)).toEqual(['ccc', 'dddd']);
  expect(positions(resumed)).toEqual([9, 14]);
  expect(await pollBriefly(second.task)).toBeNull();
});

test('reads the offset of its own file only', async () => {
  fs.writeFileSync(file, 'a\nb\n');
  const offsets = new MemoryOffsets();
  offsets.set({ filename: path.join(dir, 'other.txt') }, { position: 2 });
  const { task } = await startTask({}, offsets);
  expect(values(await pollRecords(task, 2))).toEqual(['a', 'b']);
});

test('a committed position past the end of the file restarts from the beginning with a warning', async () => {
  fs.writeFileSync(file, 'short\n');
  const offsets = new MemoryOffsets();
  offsets.set({ filename: file }, { position: 1000 });
  const { task, log } = await startTask({}, offsets);
  expect(values(await pollRecords(task, 1))).toEqual(['short']);
  expect(log.warnings().join('\n')).toMatch(/shorter than the committed position/);
});

test('refuses a committed position that is not a non-negative integer', async () => {
  const offsets = new MemoryOffsets();
  offsets.set({ filename: file }, { position: 'ten' });
  await expect(startTask({}, offsets)).rejects.toThrow(/invalid position ten/);
});

test('a truncated file is read again from the start, with a warning', async () => {
  fs.writeFileSync(file, 'old line 1\nold line 2\n');
  const { task, log } = await startTask();
  expect(values(await pollRecords(task, 2))).toEqual(['old line 1', 'old line 2']);
  fs.truncateSync(file, 0);
  fs.appendFileSync(file, 'new\n');
  const records = await pollRecords(task, 1);
  expect(values(records)).toEqual(['new']);
  expect(positions(records)).toEqual([4]);
  expect(log.warnings().join('\n')).toMatch(/truncated/);
});

test('a rotated file is read to its end, then the new file from its start', async () => {
  fs.writeFileSync(file, 'a\nb\n');
  const { task, log } = await startTask();
  expect(values(await pollRecords(task, 2))).toEqual(['a', 'b']);

  // The writer still appends to the old file after the rename, then a new file takes the name.
  fs.appendFileSync(file, 'c\n');
  fs.renameSync(file, `${file}.1`);
  fs.appendFileSync(`${file}.1`, 'd\nincomplete');
  fs.writeFileSync(file, 'x\ny\n');

  const records = await pollRecords(task, 4);
  expect(values(records)).toEqual(['c', 'd', 'x', 'y']);
  expect(positions(records)).toEqual([6, 8, 2, 4]);
  expect(log.warnings().join('\n')).toMatch(/incomplete last line of the rotated file/);

  fs.appendFileSync(file, 'z\n');
  const more = await pollRecords(task, 1);
  expect(values(more)).toEqual(['z']);
  expect(positions(more)).toEqual([6]);
});

test('a file deleted and created again is read from its start', async () => {
  fs.writeFileSync(file, 'first generation\n');
  const { task } = await startTask();
  expect(values(await pollRecords(task, 1))).toEqual(['first generation']);
  fs.unlinkSync(file);
  expect(await pollBriefly(task)).toBeNull();
  fs.writeFileSync(file, 'second\n');
  const records = await pollRecords(task, 1);
  expect(values(records)).toEqual(['second']);
  expect(positions(records)).toEqual([7]);
});

test('waits for a file that does not exist yet', async () => {
  const { task, log } = await startTask({ file: path.join(dir, 'later', 'in.txt') });
  expect(await pollBriefly(task)).toBeNull();
  expect(await pollBriefly(task)).toBeNull();
  expect(log.warnings().filter((w) => /does not exist/.test(w))).toHaveLength(1);
  fs.mkdirSync(path.join(dir, 'later'));
  fs.writeFileSync(path.join(dir, 'later', 'in.txt'), 'finally\n');
  expect(values(await pollRecords(task, 1))).toEqual(['finally']);
});

test('decodes multi-byte UTF-8 characters split across read chunks; positions count bytes', async () => {
  const lines = ['héllo wörld', '日本語のテキスト', 'emoji 😀🎉 mixed ascii', '', 'ÆØÅ'];
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  // Three-byte reads split nearly every non-ASCII character; the buffer also has to grow for each line.
  const { task } = await startTask({}, new MemoryOffsets(), { readChunkBytes: 3 });
  const records = await pollRecords(task, lines.length);
  expect(values(records)).toEqual(lines);
  let end = 0;
  expect(positions(records)).toEqual(lines.map((l) => (end += Buffer.byteLength(l) + 1)));
});

test('reads lines much longer than a read chunk', async () => {
  const long = 'x'.repeat(100_000);
  fs.writeFileSync(file, `${long}\nshort\n${long}y\n`);
  const { task } = await startTask({}, new MemoryOffsets(), { readChunkBytes: 1024 });
  const records = await pollRecords(task, 3);
  expect(values(records)).toEqual([long, 'short', `${long}y`]);
});

test('stop() makes a waiting poll return at once', async () => {
  fs.writeFileSync(file, '');
  const { task } = await startTask({}, new MemoryOffsets(), { idleWaitMs: 60_000 });
  const pending = task.poll();
  await new Promise((r) => setTimeout(r, 20));
  await task.stop();
  expect(await pending).toBeNull();
  expect(await task.poll()).toBeNull();
});

test('an aborted signal makes a waiting poll return at once', async () => {
  fs.writeFileSync(file, '');
  const { task } = await startTask({}, new MemoryOffsets(), { idleWaitMs: 60_000 });
  const controller = new AbortController();
  const pending = task.poll(controller.signal);
  setTimeout(() => controller.abort(), 20);
  expect(await pending).toBeNull();
});

test('refuses a directory with a clear error', async () => {
  const { task } = await startTask({ file: dir });
  await expect(task.poll(AbortSignal.timeout(1000))).rejects.toThrow(/is not a regular file/);
});

test('refuses an invalid task configuration', async () => {
  const task = new FileStreamSourceTask({ logger: capturingLogger() });
  await expect(task.start({ file, topic: 'a,b' })).rejects.toThrow(/requires definition of a single topic/);
  await expect(task.start({ topic: 't' })).rejects.toThrow(/Missing required configuration "file"/);
  await expect(task.start({ file, topic: 't', 'batch.size': '0' })).rejects.toThrow(/batch\.size/);
});
