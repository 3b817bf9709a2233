/**
 * `/connectors/{c}/offsets` (KIP-875) and `/connectors/{c}/topics` (KIP-558) against a real standalone
 * worker with records flowing: source offsets come from the offset store, sink offsets are the committed
 * offsets of the group `connect-<c>`; both change only while the connector is STOPPED, and the change is
 * what the connector resumes from. Active topics are those the tasks produced to or consumed from.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectorStateInfo } from '../../../connect-runtime/herder/herder';
import { SECRET_SOURCE_CLASS, startTestWorker, waitFor, type RestAnswer, type TestWorker } from '../../helpers/connect-worker';

const NOT_STOPPED = (c: string): string =>
  `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${c}/stop' endpoint`;
const ALTERED = 'The offsets for this connector have been altered successfully';
const RESET = 'The offsets for this connector have been reset successfully';

let w: TestWorker;

beforeAll(async () => {
  w = await startTestWorker();
});

afterAll(async () => {
  await w?.stop();
});

function expectError(r: RestAnswer, status: number, message: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { error_code: status, message } });
}

function expectMessage(r: RestAnswer, message: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: { message } });
}

async function offsets(c: string): Promise<unknown> {
  const r = await w.call('GET', `/connectors/${c}/offsets`);
  expect(r.status).toBe(200);
  return r.body;
}

function waitForOffsets(c: string, expected: unknown): Promise<unknown> {
  return waitFor(() => offsets(c), (o) => JSON.stringify(o) === JSON.stringify(expected), `offsets of ${c} to be ${JSON.stringify(expected)}`);
}

function waitForState(c: string, state: string): Promise<ConnectorStateInfo> {
  return waitFor(
    async () => (await w.call('GET', `/connectors/${c}/status`)).body as ConnectorStateInfo,
    (s) => s.connector.state === state && s.tasks.every((t) => t.state === state),
    `${c} to be ${state}`,
  );
}

async function stop(c: string): Promise<void> {
  expect((await w.call('PUT', `/connectors/${c}/stop`)).status).toBe(204);
}

async function resume(c: string): Promise<void> {
  expect((await w.call('PUT', `/connectors/${c}/resume`)).status).toBe(202);
}

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

test('source connector: its topics and file offsets follow the records; offsets are altered and reset only while STOPPED', async () => {
  const file = path.join(w.dir, 'source-in.txt');
  fs.writeFileSync(file, 'one\ntwo\nthree\n');
  expect((await w.call('POST', '/connectors', { name: 'src', config: { 'connector.class': 'FileStreamSource', file, topic: 'src-lines' } })).status).toBe(201);
  const atEnd = { offsets: [{ partition: { filename: file }, offset: { position: 14 } }] };
  await waitForOffsets('src', atEnd);
  expect(await w.call('GET', '/connectors/src/topics')).toMatchObject({ status: 200, body: { src: { topics: ['src-lines'] } } });

  expectError(await w.call('PATCH', '/connectors/src/offsets', atEnd), 400, NOT_STOPPED('src'));
  expectError(await w.call('DELETE', '/connectors/src/offsets'), 400, NOT_STOPPED('src'));
  await stop('src');

  // FileStreamSourceConnector.alterOffsets checks the offsets and answers true: the short message.
  expectMessage(await w.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: file }, offset: { position: 4 } }] }), ALTERED);
  expect(await offsets('src')).toEqual({ offsets: [{ partition: { filename: file }, offset: { position: 4 } }] });
  // The connector refuses what it cannot use; Kafka answers its ConnectException with 500.
  expectError(
    await w.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: file }, offset: { position: -1 } }] }),
    500,
    "The value for the 'position' key in the offset should be a non-negative value",
  );
  expectError(await w.call('PATCH', '/connectors/src/offsets', { offsets: [] }), 400, 'Partitions / offsets need to be provided for an alter offsets request');
  expectError(await w.call('PATCH', '/connectors/src/offsets'), 400, 'Partitions / offsets need to be provided for an alter offsets request');

  // A null offset removes the partition's offset.
  expectMessage(await w.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: file }, offset: null }] }), ALTERED);
  expect(await offsets('src')).toEqual({ offsets: [] });

  // Resumed from position 4, the task sends "two" and "three" again and commits the end of the file.
  expectMessage(await w.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: file }, offset: { position: 4 } }] }), ALTERED);
  const reset = await w.call('PUT', '/connectors/src/topics/reset');
  expect({ status: reset.status, text: reset.text }).toEqual({ status: 202, text: '' });
  expect((await w.call('GET', '/connectors/src/topics')).body).toEqual({ src: { topics: [] } });
  await resume('src');
  await waitForOffsets('src', atEnd);
  expect((await w.call('GET', '/connectors/src/topics')).body).toEqual({ src: { topics: ['src-lines'] } });

  await stop('src');
  expectMessage(await w.call('DELETE', '/connectors/src/offsets'), RESET);
  expect(await offsets('src')).toEqual({ offsets: [] });
  expect((await w.call('DELETE', '/connectors/src')).status).toBe(204);
});

test('sink connector: offsets are the committed offsets of group connect-<name>, in the fixed sink format', async () => {
  const input = path.join(w.dir, 'sink-feed.txt');
  const output = path.join(w.dir, 'sink-out.txt');
  fs.writeFileSync(input, 'a\nb\nc\nd\ne\n');
  expect((await w.call('POST', '/connectors', { name: 'feed', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'sink-in' } })).status).toBe(201);
  expect((await w.call('POST', '/connectors', { name: 'sink', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'sink-in' } })).status).toBe(201);
  const at = (offset: number): unknown => ({ offsets: [{ partition: { kafka_topic: 'sink-in', kafka_partition: 0 }, offset: { kafka_offset: offset } }] });
  await waitForOffsets('sink', at(5));
  expect(lines(output)).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect((await w.call('GET', '/connectors/sink/topics')).body).toEqual({ sink: { topics: ['sink-in'] } });

  const alterTo = (offset: unknown): unknown => ({ offsets: [{ partition: { kafka_topic: 'sink-in', kafka_partition: 0 }, offset }] });
  expectError(await w.call('PATCH', '/connectors/sink/offsets', alterTo({ kafka_offset: 2 })), 400, NOT_STOPPED('sink'));
  await stop('sink');

  // Kafka's SinkUtils checks, each a 400.
  expectError(
    await w.call('PATCH', '/connectors/sink/offsets', { offsets: [{ partition: { kafka_topic: 'sink-in' }, offset: null }] }),
    400,
    "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
  );
  expectError(
    await w.call('PATCH', '/connectors/sink/offsets', { offsets: [{ partition: { kafka_topic: 'sink-in', kafka_partition: 'zero' }, offset: null }] }),
    400,
    "Failed to parse the following Kafka partition value in the provided offsets: 'zero'. Partition values for sink connectors need to be integers.",
  );
  expectError(await w.call('PATCH', '/connectors/sink/offsets', alterTo({ offset: 1 })), 400, "The offset for a sink connector should either be null or contain the key 'kafka_offset'");
  expectError(
    await w.call('PATCH', '/connectors/sink/offsets', alterTo({ kafka_offset: '1.5' })),
    400,
    "Failed to parse the following Kafka offset value in the provided offsets: '1.5'. Offset values for sink connectors need to be integers.",
  );

  // Altered to 2 ("2" as a string is fine too), the sink consumes c, d, e again once resumed.
  expectMessage(await w.call('PATCH', '/connectors/sink/offsets', { offsets: [{ partition: { kafka_topic: 'sink-in', kafka_partition: '0' }, offset: { kafka_offset: '2' } }] }), ALTERED);
  expect(await offsets('sink')).toEqual(at(2));
  await resume('sink');
  await waitForState('sink', 'RUNNING');
  await waitFor(async () => lines(output), (l) => l.length === 8, 'the sink to write c, d, e again');
  expect(lines(output)).toEqual(['a', 'b', 'c', 'd', 'e', 'c', 'd', 'e']);
  await waitForOffsets('sink', at(5));

  await stop('sink');
  expectMessage(await w.call('PATCH', '/connectors/sink/offsets', alterTo(null)), ALTERED);
  expect(await offsets('sink')).toEqual({ offsets: [] });
  expectMessage(await w.call('PATCH', '/connectors/sink/offsets', alterTo({ kafka_offset: 1 })), ALTERED);
  expect(await offsets('sink')).toEqual(at(1));
  expectMessage(await w.call('DELETE', '/connectors/sink/offsets'), RESET);
  expect(await offsets('sink')).toEqual({ offsets: [] });
  // Deleting the connector forgets its topics; a new connector of the same name starts with none.
  expect((await w.call('DELETE', '/connectors/sink')).status).toBe(204);
  expect((await w.call('POST', '/connectors', { name: 'sink', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'sink-in' }, initial_state: 'STOPPED' })).status).toBe(201);
  expect((await w.call('GET', '/connectors/sink/topics')).body).toEqual({ sink: { topics: [] } });
  for (const c of ['sink', 'feed']) expect((await w.call('DELETE', `/connectors/${c}`)).status).toBe(204);
});

test("a connector whose alterOffsets() does not handle offsets gets the framework-managed message", async () => {
  const created = await w.call('POST', '/connectors', { name: 'opaque', config: { 'connector.class': SECRET_SOURCE_CLASS, secret: 'x' }, initial_state: 'STOPPED' });
  expect(created.status).toBe(201);
  const entry = { partition: { shard: 'a' }, offset: { seq: 7, done: false } };
  expectMessage(
    await w.call('PATCH', '/connectors/opaque/offsets', { offsets: [entry] }),
    'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
  );
  expect(await offsets('opaque')).toEqual({ offsets: [entry] });
  expectMessage(
    await w.call('DELETE', '/connectors/opaque/offsets'),
    'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.',
  );
  expect(await offsets('opaque')).toEqual({ offsets: [] });
  expect((await w.call('DELETE', '/connectors/opaque')).status).toBe(204);
});
