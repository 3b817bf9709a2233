/**
 * KafkaServer's in-process connections get the same treatment as accepted sockets: frames go to the
 * dispatcher, responses leave in request order, the request size limit applies, back-pressure
 * pauses reading, and closing the server closes them. The TCP counters stay untouched.
 */
import { once } from 'node:events';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { ByteStream } from '../../../../broker/network/byte-stream';
import type { ConnectionInfo, FrameDispatcher, ResponseChunks } from '../../../../broker/network/connection';
import { KafkaServer } from '../../../../broker/network/server';

/** A request frame: size, then 8 header-ish bytes whose first int32 is the "correlation id". */
function frame(id: number, extra = 4): Buffer {
  const b = Buffer.alloc(4 + 8 + extra);
  b.writeInt32BE(8 + extra, 0);
  b.writeInt32BE(id, 4);
  return b;
}

function response(id: number, payload = 0): Buffer[] {
  const b = Buffer.alloc(8 + payload);
  b.writeInt32BE(4 + payload, 0);
  b.writeInt32BE(id, 4);
  return [b];
}

/** Answers request n after (10 - n % 10) ms, so later requests finish first; records who asked. */
class SlowEcho implements FrameDispatcher {
  readonly seen: Array<{ id: number; remote: string }> = [];
  payload = 0;
  /** Answer at once instead. */
  immediate = false;

  dispatch(f: Buffer, conn: ConnectionInfo): ResponseChunks | Promise<ResponseChunks> {
    const id = f.readInt32BE(0);
    this.seen.push({ id, remote: `${conn.remoteAddress}:${conn.remotePort}` });
    if (this.immediate) return response(id, this.payload);
    return this.later(id);
  }

  private async later(id: number): Promise<ResponseChunks> {
    await sleep(10 - (id % 10));
    return response(id, this.payload);
  }
}

function responses(stream: ByteStream): { ids: number[]; bytes: () => number } {
  const ids: number[] = [];
  let buf = Buffer.alloc(0);
  let total = 0;
  stream.on('data', (c: Buffer) => {
    total += c.length;
    buf = Buffer.concat([buf, c]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      ids.push(buf.readInt32BE(4));
      buf = buf.subarray(4 + buf.readInt32BE(0));
    }
  });
  return { ids, bytes: () => total };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

let server: KafkaServer;
let dispatcher: SlowEcho;

beforeEach(async () => {
  dispatcher = new SlowEcho();
  server = await KafkaServer.listen({ host: '127.0.0.1', port: 0, dispatcher, maxRequestBytes: 1000, logger: pino({ level: 'silent' }) });
});

afterEach(() => server.close());

test('pipelined requests are answered in request order, and only in-process connections are counted', async () => {
  const conn = server.acceptInProcess();
  const got = responses(conn);
  for (let id = 1; id <= 50; id++) conn.write(frame(id));
  await until(() => got.ids.length === 50, 'all responses');
  expect(got.ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(dispatcher.seen[0]?.remote).toMatch(/^in-process:\d+$/);
  expect(conn.remoteAddress).toBe('in-process');
  expect(conn.remotePort).toBe(server.port);
  // 50 requests of 16 bytes in, 50 responses of 8 bytes out.
  expect(server.connectionStats).toEqual({ open: { tcp: 0, inProcess: 1 }, accepted: { tcp: 0, inProcess: 1 }, traffic: { bytesIn: 800, bytesOut: 400 } });
  conn.destroy();
  await until(() => server.connectionStats.open.inProcess === 0, 'the connection to be forgotten');
});

test('a request over socket.request.max.bytes closes the connection', async () => {
  const conn = server.acceptInProcess();
  const closed = once(conn as unknown as NodeJS.EventEmitter, 'close');
  conn.write(frame(1, 2000));
  await closed;
  expect(conn.destroyed).toBe(true);
  expect(dispatcher.seen).toHaveLength(0);
});

test('the server stops reading requests while the client does not read its responses', async () => {
  dispatcher.payload = 256 * 1024;
  dispatcher.immediate = true;
  const conn = server.acceptInProcess();
  conn.pause();
  // One request per turn of the event loop, as from a client that keeps sending.
  for (let id = 1; id <= 40; id++) {
    conn.write(frame(id));
    await tick();
  }
  await sleep(20);
  // 1 MiB of unread responses is the limit: four requests are answered, the rest wait unread.
  expect(dispatcher.seen).toHaveLength(4);
  const got = responses(conn);
  conn.resume();
  await until(() => got.ids.length === 40, 'all responses');
  expect(got.ids).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
});

test('closing the server closes in-process connections and refuses new ones', async () => {
  const conn = server.acceptInProcess();
  const closed = once(conn as unknown as NodeJS.EventEmitter, 'close');
  await server.close();
  await closed;
  expect(conn.destroyed).toBe(true);
  expect(() => server.acceptInProcess()).toThrow('the broker is shutting down');
});
