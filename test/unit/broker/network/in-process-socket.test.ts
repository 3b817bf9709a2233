/**
 * The in-memory pipe behind in-process connections: ordered, copied, asynchronous delivery;
 * back-pressure through write()/'drain' and pause()/resume(); abortive destroy() and graceful end()
 * from either end.
 */
import { once } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import { inProcessPair, type InProcessSocket } from '../../../../broker/network/in-process-socket';

function collect(socket: InProcessSocket): { chunks: Buffer[]; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return { chunks, bytes: () => Buffer.concat(chunks) };
}

function events(socket: InProcessSocket): string[] {
  const seen: string[] = [];
  for (const e of ['end', 'close', 'drain', 'error']) socket.on(e, () => seen.push(e));
  return seen;
}

async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

test('bytes arrive in order, on a later turn, in both directions', async () => {
  const { client, server } = inProcessPair();
  const atServer = collect(server);
  const atClient = collect(client);
  const sent: Buffer[] = [];
  for (let i = 0; i < 1000; i++) {
    const b = Buffer.from(`request ${i};`);
    sent.push(b);
    expect(client.write(b)).toBe(true);
  }
  // A large write spans slabs and must stay in place between the small ones.
  const big = Buffer.alloc(300 * 1024, 7);
  client.write(big);
  client.write(Buffer.from('tail'));
  server.write(Buffer.from('response'));
  expect(atServer.chunks).toHaveLength(0);
  await settle();
  expect(atServer.bytes().equals(Buffer.concat([...sent, big, Buffer.from('tail')]))).toBe(true);
  // Small writes are packed together: far fewer 'data' events than writes.
  expect(atServer.chunks.length).toBeLessThan(10);
  expect(atClient.bytes().toString()).toBe('response');
});

test('written bytes are copied: the writer may reuse its buffer', async () => {
  const { client, server } = inProcessPair();
  const got = collect(server);
  const buf = Buffer.from('abcd');
  client.write(buf);
  buf.fill(0);
  await settle();
  expect(got.bytes().toString()).toBe('abcd');
});

test('nothing is lost before a data listener is attached', async () => {
  const { client, server } = inProcessPair();
  client.write(Buffer.from('early'));
  await settle();
  const got = collect(server);
  await settle();
  expect(got.bytes().toString()).toBe('early');
});

test('remote address and ports', () => {
  const { client, server } = inProcessPair({ clientPort: 7, serverPort: 9092 });
  expect(server.remoteAddress).toBe('in-process');
  expect(server.remotePort).toBe(7);
  expect(client.remotePort).toBe(9092);
  expect(client.setNoDelay()).toBe(client);
});

test('back-pressure: write() turns false at the high-water mark and drain follows once the reader read it all', async () => {
  const { client, server } = inProcessPair({ highWaterMark: 1000 });
  const got = collect(server);
  const clientEvents = events(client);
  server.pause();
  expect(client.write(Buffer.alloc(600))).toBe(true);
  expect(client.writableNeedDrain).toBe(false);
  expect(client.write(Buffer.alloc(600))).toBe(false);
  expect(client.writableNeedDrain).toBe(true);
  // Further writes are still accepted (as with a socket) but keep answering false.
  expect(client.write(Buffer.alloc(10))).toBe(false);
  expect(client.writableLength).toBe(1210);
  await settle();
  expect(got.chunks).toHaveLength(0);
  expect(clientEvents).toEqual([]);
  server.resume();
  await settle();
  expect(got.bytes().length).toBe(1210);
  expect(clientEvents).toEqual(['drain']);
  expect(client.writableNeedDrain).toBe(false);
  expect(client.writableLength).toBe(0);
  expect(client.write(Buffer.alloc(10))).toBe(true);
});

test('a reader that pauses inside a data event gets no more until it resumes', async () => {
  const { client, server } = inProcessPair();
  const seen: number[] = [];
  server.on('data', (c: Buffer) => {
    seen.push(c.length);
    server.pause();
  });
  client.write(Buffer.alloc(64 * 1024));
  client.write(Buffer.alloc(10));
  await settle();
  expect(seen).toEqual([64 * 1024]);
  server.resume();
  await settle();
  expect(seen).toEqual([64 * 1024, 10]);
});

test.each(['client', 'server'] as const)('destroy() at the %s end closes both ends and drops undelivered bytes', async (which) => {
  const pair = inProcessPair();
  const closer = pair[which];
  const other = which === 'client' ? pair.server : pair.client;
  const got = collect(other);
  const closerEvents = events(closer);
  const otherEvents = events(other);
  closer.write(Buffer.from('never read'));
  closer.destroy();
  expect(closer.destroyed).toBe(true);
  expect(other.destroyed).toBe(true);
  expect(closer.write(Buffer.from('x'))).toBe(false);
  expect(other.write(Buffer.from('x'))).toBe(false);
  await settle();
  expect(got.chunks).toHaveLength(0);
  expect(closerEvents).toEqual(['close']);
  expect(otherEvents).toEqual(['end', 'close']);
  closer.destroy();
  other.destroy();
  await settle();
  expect(closerEvents).toEqual(['close']);
  expect(otherEvents).toEqual(['end', 'close']);
});

test('destroy() releases a writer waiting for drain with close', async () => {
  const { client, server } = inProcessPair({ highWaterMark: 10 });
  server.pause();
  expect(client.write(Buffer.alloc(20))).toBe(false);
  const closed = once(client, 'close');
  server.destroy();
  await closed;
  expect(client.destroyed).toBe(true);
});

test.each(['client', 'server'] as const)('end() at the %s end: the other end reads everything first, then both close', async (which) => {
  const pair = inProcessPair();
  const ender = pair[which];
  const other = which === 'client' ? pair.server : pair.client;
  const enderEvents = events(ender);
  const otherEvents = events(other);
  other.pause();
  const got = collect(other);
  ender.write(Buffer.from('last words'));
  ender.end();
  expect(ender.write(Buffer.from('too late'))).toBe(false);
  await settle();
  // A paused reader holds the end back until it has read what came before.
  expect(otherEvents).toEqual([]);
  expect(other.destroyed).toBe(false);
  other.resume();
  await settle();
  expect(got.bytes().toString()).toBe('last words');
  expect(otherEvents).toEqual(['end', 'close']);
  expect(enderEvents).toEqual(['close']);
  expect(ender.destroyed && other.destroyed).toBe(true);
});
