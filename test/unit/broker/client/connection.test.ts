/**
 * BrokerConnection against a scripted socket peer, for the paths the real broker does not take:
 * the KIP-511 ApiVersions fallback, correlation checks and request timeouts. Everything else is
 * covered against the real broker in test/integration/cli-tools.test.ts.
 */
import net from 'node:net';
import { BrokerConnection } from '../../../../broker/client/connection';
import { ConnectionError } from '../../../../broker/client/errors';
import { ApiKey } from '../../../../broker/protocol/apis';
import { encode } from '../../../../broker/protocol/codec';
import { ErrorCode, KafkaError } from '../../../../broker/protocol/error-codes';
import { writeResponseHeader } from '../../../../broker/protocol/header';
import * as M from '../../../../broker/protocol/messages';
import { Writer } from '../../../../broker/protocol/primitives';

interface Frame {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/** A TCP peer that hands each request header to `answer` and writes back, in order, what it returns (after `delayMs`). */
async function scriptedPeer(answer: (f: Frame) => { body: Buffer; delayMs?: number } | Buffer | null): Promise<{ port: number; seen: Frame[]; close: () => Promise<void> }> {
  const seen: Frame[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let buf = Buffer.alloc(0);
    let previous: Promise<void> = Promise.resolve();
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const f = { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
        seen.push(f);
        const a = answer(f);
        if (a) {
          const { body, delayMs = 0 } = Buffer.isBuffer(a) ? { body: a } : a;
          const w = new Writer();
          w.int32(0);
          writeResponseHeader(w, f.apiKey, f.apiVersion, f.correlationId);
          w.raw(body);
          w.patchInt32(0, w.length - 4);
          // Responses leave in request order, as from a real broker.
          const send = (): Promise<void> =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                socket.write(w.toBuffer());
                resolve();
              }, delayMs),
            );
          previous = previous.then(send);
        }
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const API_KEYS = [
  { apiKey: ApiKey.Produce, minVersion: 0, maxVersion: 11 },
  { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: 16 },
  { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
  { apiKey: ApiKey.ListOffsets, minVersion: 1, maxVersion: 8 },
  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.CreateTopics, minVersion: 2, maxVersion: 7 },
  { apiKey: ApiKey.DescribeConfigs, minVersion: 5, maxVersion: 9 },
];

function apiVersionsAnswer(f: Frame): Buffer {
  if (f.apiVersion > 2) {
    // KIP-511: a v0-shaped UNSUPPORTED_VERSION body that lists our ApiVersions range.
    return encode(M.ApiVersionsResponse, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] });
  }
  return encode(M.ApiVersionsResponse, f.apiVersion, { errorCode: 0, apiKeys: API_KEYS, throttleTimeMs: 0 });
}

describe('BrokerConnection', () => {
  test('falls back from ApiVersions v3 and picks the highest common version within the caps', async () => {
    const peer = await scriptedPeer((f) => (f.apiKey === ApiKey.ApiVersions ? apiVersionsAnswer(f) : null));
    const conn = await BrokerConnection.connect({ host: '127.0.0.1', port: peer.port });
    try {
      expect(peer.seen.map((f) => f.apiVersion)).toEqual([3, 2]);
      expect(conn.version(ApiKey.Produce)).toBe(9);
      expect(conn.version(ApiKey.Fetch)).toBe(12);
      expect(conn.version(ApiKey.Metadata)).toBe(9);
      expect(conn.version(ApiKey.ListOffsets)).toBe(5);
      expect(conn.version(ApiKey.CreateTopics)).toBe(7);
      expect(conn.highestVersion(ApiKey.Metadata, 12)).toBe(12);
      // The broker's DescribeConfigs range (5-9) lies above everything this client speaks (0-4).
      expect(() => conn.version(ApiKey.DescribeConfigs)).toThrow(KafkaError);
      expect(() => conn.version(ApiKey.JoinGroup)).toThrow(/does not offer it/);
    } finally {
      conn.close();
      await peer.close();
    }
  });

  test('pipelines requests and matches responses in order', async () => {
    const peer = await scriptedPeer((f) =>
      f.apiKey === ApiKey.ApiVersions ? apiVersionsAnswer(f) : encode(M.MetadataResponse, f.apiVersion, { throttleTimeMs: 0, brokers: [{ nodeId: f.correlationId, host: 'h', port: 1, rack: null }], clusterId: null, controllerId: 0, topics: [] }),
    );
    const conn = await BrokerConnection.connect({ host: '127.0.0.1', port: peer.port });
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => conn.call(ApiKey.Metadata, { topics: [], allowAutoTopicCreation: false })));
      const ids = answers.map((a) => a.brokers[0].nodeId as number);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(50);
    } finally {
      conn.close();
      await peer.close();
    }
  });

  test('a request that gets no answer times out and closes the connection', async () => {
    const peer = await scriptedPeer((f) => (f.apiKey === ApiKey.ApiVersions ? apiVersionsAnswer(f) : null));
    const conn = await BrokerConnection.connect({ host: '127.0.0.1', port: peer.port });
    try {
      const slow = conn.call(ApiKey.Metadata, { topics: [] }, { timeoutMs: 300 });
      const other = conn.call(ApiKey.Metadata, { topics: [] }, { timeoutMs: 10000 });
      await expect(slow).rejects.toMatchObject({ code: ErrorCode.REQUEST_TIMED_OUT });
      await expect(other).rejects.toBeInstanceOf(ConnectionError);
      await expect(conn.call(ApiKey.Metadata, { topics: [] })).rejects.toThrow(/closed/);
    } finally {
      conn.close();
      await peer.close();
    }
  });

  test('an aborted request rejects at once and its late answer is dropped', async () => {
    let first = true;
    const peer = await scriptedPeer((f) => {
      if (f.apiKey === ApiKey.ApiVersions) return apiVersionsAnswer(f);
      const body = encode(M.MetadataResponse, f.apiVersion, { throttleTimeMs: 0, brokers: [], clusterId: 'c', controllerId: f.correlationId, topics: [] });
      const delayMs = first ? 200 : 0;
      first = false;
      return { body, delayMs };
    });
    const conn = await BrokerConnection.connect({ host: '127.0.0.1', port: peer.port });
    try {
      const ac = new AbortController();
      const first = conn.call(ApiKey.Metadata, { topics: [] }, { signal: ac.signal });
      ac.abort();
      await expect(first).rejects.toThrow();
      const second = await conn.call(ApiKey.Metadata, { topics: [] });
      expect(second.controllerId).toBe(peer.seen[peer.seen.length - 1]?.correlationId);
    } finally {
      conn.close();
      await peer.close();
    }
  });

  test('a refused connection names the broker and the reason', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(BrokerConnection.connect({ host: '127.0.0.1', port })).rejects.toThrow(`cannot connect to broker at 127.0.0.1:${port}: ECONNREFUSED`);
  });
});
