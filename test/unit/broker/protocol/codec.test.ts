import { codecFor, decode, encode } from '../../../../broker/protocol/codec';
import * as M from '../../../../broker/protocol/messages';
import { MalformedMessageError, Reader, Writer } from '../../../../broker/protocol/primitives';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('codec golden bytes', () => {
  test('ApiVersions v3 request (flexible: compact strings and a tag buffer)', () => {
    const bytes = hex('05 6b636174 06 312e372e31 00');
    expect(decode(M.ApiVersionsRequest, 3, bytes)).toEqual({ clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.1' });
    expect(encode(M.ApiVersionsRequest, 3, { clientSoftwareName: 'kcat', clientSoftwareVersion: '1.7.1' })).toEqual(bytes);
  });

  test('ApiVersions v0 request is empty and v3 response has per-entry tag buffers', () => {
    expect(encode(M.ApiVersionsRequest, 0, {})).toEqual(Buffer.alloc(0));
    const body = { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 };
    expect(encode(M.ApiVersionsResponse, 3, body)).toEqual(hex('0000 02 0012 0000 0003 00 00000000 00'));
    expect(encode(M.ApiVersionsResponse, 0, body)).toEqual(hex('0000 00000001 0012 0000 0003'));
  });

  test('Metadata v4 request: classic array and string, auto-create flag', () => {
    const bytes = hex('00000001 0001 74 01');
    const msg = decode(M.MetadataRequest, 4, bytes);
    expect(msg.topics).toEqual([{ topicId: Buffer.alloc(16), name: 't' }]);
    expect(msg.allowAutoTopicCreation).toBe(true);
  });

  test('Metadata v1+ null topic array means all topics; v0 absent fields take their defaults', () => {
    expect(decode(M.MetadataRequest, 1, hex('ffffffff')).topics).toBeNull();
    expect(decode(M.MetadataRequest, 0, hex('00000000')).allowAutoTopicCreation).toBe(true);
  });

  test('Produce v7 request keeps records as a view of the request bytes', () => {
    const records = Buffer.from('0102030405', 'hex');
    const msg = { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'a', partitionData: [{ index: 2, records }] }] };
    const bytes = encode(M.ProduceRequest, 7, msg);
    expect(bytes).toEqual(hex('ffff ffff 00007530 00000001 0001 61 00000001 00000002 00000005 0102030405'));
    const back = decode(M.ProduceRequest, 7, bytes);
    expect(back.topicData[0].partitionData[0].records).toEqual(records);
    expect(back.topicData[0].partitionData[0].records.buffer).toBe(bytes.buffer);
  });

  test('Fetch v12 response round trips, tagged fields omitted when unset', () => {
    const msg = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: Buffer.from('abc') },
          ],
        },
      ],
    };
    const bytes = encode(M.FetchResponse, 12, msg);
    const back = decode(M.FetchResponse, 12, bytes);
    expect(back.responses[0].partitions[0].highWatermark).toBe(10);
    expect(back.responses[0].partitions[0].records.toString()).toBe('abc');
    expect(back.responses[0].partitions[0].divergingEpoch).toBeNull();
  });

  test('int64 values beyond 32 bits and negatives are exact', () => {
    const w = new Writer();
    w.int64(2 ** 40 + 5).int64(-1).int64(-(2 ** 35) - 7);
    const r = new Reader(w.toBuffer());
    expect([r.int64(), r.int64(), r.int64()]).toEqual([2 ** 40 + 5, -1, -(2 ** 35) - 7]);
  });

  test('unknown tagged fields are skipped', () => {
    // ApiVersions v3 request with one unknown tag (7, 2 bytes).
    const bytes = hex('01 01 01 07 02 abcd');
    expect(decode(M.ApiVersionsRequest, 3, bytes)).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
  });
});

describe('codec rejects malformed input', () => {
  test('truncated body', () => {
    expect(() => decode(M.MetadataRequest, 4, hex('00000001 0005 74'))).toThrow(MalformedMessageError);
  });

  test('array count larger than the remaining bytes', () => {
    expect(() => decode(M.MetadataRequest, 4, hex('7fffffff 00'))).toThrow(/declares 2147483647 elements/);
  });

  test('null for a non-nullable string', () => {
    expect(() => decode(M.CreateTopicsRequest, 0, hex('00000001 ffff'))).toThrow(/non-nullable string/);
  });

  test('unknown version', () => {
    expect(() => codecFor(M.ProduceRequest, 99)).toThrow(/no version 99/);
  });
});

describe('Writer', () => {
  test('large blobs are kept as separate chunks and size prefixes can be patched', () => {
    const blob = Buffer.alloc(10000, 7);
    const w = new Writer(16);
    w.int32(0).int16(1).bytes(blob, false).int8(9);
    w.patchInt32(0, w.length - 4);
    const chunks = w.toChunks();
    expect(chunks).toContain(blob);
    const all = Buffer.concat(chunks);
    expect(all.readInt32BE(0)).toBe(all.length - 4);
    expect(all.length).toBe(4 + 2 + 4 + 10000 + 1);
  });
});
