/** The consumer protocol's Subscription and Assignment bytes: golden bytes, round trips, newer versions. */
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../../../broker/protocol/consumer-protocol';
import { MalformedMessageError, Writer } from '../../../../broker/protocol/primitives';

describe('consumer protocol subscription', () => {
  test('version 0 golden bytes: version, topics, null user data', () => {
    const bytes = encodeSubscription({ topics: ['ab', 'c'] });
    expect(bytes.toString('hex')).toBe(['0000', '00000002', '0002', '6162', '0001', '63', 'ffffffff'].join(''));
    expect(decodeSubscription(bytes)).toEqual({ version: 0, topics: ['ab', 'c'], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  });

  test('round trips every known version', () => {
    const sub = { topics: ['t'], userData: Buffer.from('u'), ownedPartitions: [{ topic: 't', partitions: [0, 2] }], generationId: 7, rackId: 'rack-1' };
    for (const version of [0, 1, 2, 3]) {
      const back = decodeSubscription(encodeSubscription(sub, version));
      expect(back.version).toBe(version);
      expect(back.topics).toEqual(['t']);
      expect(back.userData).toEqual(Buffer.from('u'));
      expect(back.ownedPartitions).toEqual(version >= 1 ? sub.ownedPartitions : []);
      expect(back.generationId).toBe(version >= 2 ? 7 : -1);
      expect(back.rackId).toBe(version >= 3 ? 'rack-1' : null);
    }
  });

  test('a newer version is read by its known prefix', () => {
    const v3 = encodeSubscription({ topics: ['x', 'y'], generationId: 4, rackId: null }, 3);
    const w = new Writer();
    w.int16(9);
    w.raw(v3.subarray(2));
    w.int32(12345); // a field from the future
    const back = decodeSubscription(w.toBuffer());
    expect(back).toMatchObject({ version: 9, topics: ['x', 'y'], generationId: 4 });
  });

  test('reads what kcat (librdkafka) sends: version 1 with owned partitions', () => {
    // librdkafka 2.0.2 rd_kafka_consumer_protocol_member_metadata_new: v1, topics, user data null, owned partitions.
    const w = new Writer();
    w.int16(1).int32(1).string('orders', false).bytes(null, false).int32(0);
    expect(decodeSubscription(w.toBuffer())).toMatchObject({ version: 1, topics: ['orders'], ownedPartitions: [] });
  });

  test('garbage is a MalformedMessageError', () => {
    expect(() => decodeSubscription(Buffer.from([0]))).toThrow(MalformedMessageError);
    expect(() => decodeSubscription(Buffer.from([0xff, 0xff]))).toThrow(MalformedMessageError);
    expect(() => decodeSubscription(Buffer.from([0, 0, 0, 0, 0, 9]))).toThrow(MalformedMessageError);
  });

  test('refuses to write a version it does not know', () => {
    expect(() => encodeSubscription({ topics: [] }, 4)).toThrow(RangeError);
  });
});

describe('consumer protocol assignment', () => {
  test('version 0 golden bytes', () => {
    const bytes = encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [1, 3] }] });
    expect(bytes.toString('hex')).toBe(['0000', '00000001', '0001', '74', '00000002', '00000001', '00000003', 'ffffffff'].join(''));
    expect(decodeAssignment(bytes)).toEqual({ version: 0, assignedPartitions: [{ topic: 't', partitions: [1, 3] }], userData: null });
  });

  test('empty bytes are an empty assignment (what kafkajs sends members without partitions)', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ version: 0, assignedPartitions: [], userData: null });
    expect(decodeAssignment(null)).toEqual({ version: 0, assignedPartitions: [], userData: null });
  });

  test('a newer version with trailing fields is read by its known prefix', () => {
    const v0 = encodeAssignment({ assignedPartitions: [{ topic: 'a', partitions: [0] }], userData: Buffer.from([1, 2]) });
    const w = new Writer();
    w.int16(5);
    w.raw(v0.subarray(2));
    w.string('future', false);
    expect(decodeAssignment(w.toBuffer())).toEqual({ version: 5, assignedPartitions: [{ topic: 'a', partitions: [0] }], userData: Buffer.from([1, 2]) });
  });
});
