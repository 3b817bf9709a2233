import type { KafkaClient } from '../../../../broker/client/kafka-client';
import type { PartitionBatch, ProducedPartition } from '../../../../broker/client/partition-requests';
import { Producer } from '../../../../broker/client/producer';
import { decodeRecords } from '../../../../broker/client/record-batch-reader';

interface Sent {
  /** The batch as the producer handed it over. */
  batch: Buffer;
  /** Its bytes when it was sent. */
  bytes: Buffer;
}

/** A one-partition client that acknowledges every produce at once and remembers what it got. */
function acknowledgingClient(sent: Sent[]): KafkaClient {
  let next = 0;
  const client = {
    partitionCount: async () => 1,
    produceBatches: async ({ batches }: { batches: readonly PartitionBatch[] }): Promise<ProducedPartition[]> =>
      batches.map((b) => {
        sent.push({ batch: b.batch, bytes: Buffer.from(b.batch) });
        const baseOffset = next;
        next += b.batch.readInt32BE(57);
        return { topic: b.topic, partition: b.partition, baseOffset, logAppendTime: -1, logStartOffset: 0, error: null };
      }),
  };
  return client as unknown as KafkaClient;
}

const value = (i: number): Buffer => Buffer.from(`${i}:`.padEnd(3000, String.fromCharCode(97 + (i % 26))));

async function produce(producer: Producer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const wait = producer.send({ topic: 't', key: null, value: value(i), headers: [['n', Buffer.from(String(i))]], timestamp: 1700000000000 + i });
    if (wait) await wait;
  }
  await producer.flush();
}

function decodedValues(sent: readonly Sent[]): string[] {
  return sent.flatMap((s) => decodeRecords(s.bytes).map((r) => r.value?.toString() ?? ''));
}

describe('Producer batch memory', () => {
  test('the buffers of answered batches are written again, and every batch went out whole', async () => {
    const sent: Sent[] = [];
    const producer = new Producer(acknowledgingClient(sent), { batchSize: 32768, maxInFlight: 1, maxQueuedBatches: 1 });
    await produce(producer, 400);
    producer.close();
    expect(decodedValues(sent)).toEqual(Array.from({ length: 400 }, (_, i) => value(i).toString()));
    expect(new Set(sent.map((s) => s.batch.buffer)).size).toBeLessThan(sent.length);
  });

  test('with acks=0 no batch memory is written again (its bytes may still wait in a socket)', async () => {
    const sent: Sent[] = [];
    const producer = new Producer(acknowledgingClient(sent), { acks: 0, batchSize: 32768, maxInFlight: 1, maxQueuedBatches: 1 });
    await produce(producer, 400);
    producer.close();
    expect(sent.length).toBeGreaterThan(10);
    for (const s of sent) expect(s.batch.equals(s.bytes)).toBe(true);
    expect(decodedValues(sent)).toHaveLength(400);
  });
});
