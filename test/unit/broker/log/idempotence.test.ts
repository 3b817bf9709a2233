import { ErrorCode } from '../../../../broker/protocol/error-codes';
import { incrementSequence } from '../../../../broker/log/producer-state';
import { batchesIn, openLog, produce, readAll, removeTempDirs, tempDir, values } from './log-test-utils';

afterEach(removeTempDirs);

const PID = 4000;

test('a retried batch is a duplicate: the original offsets come back and it is stored once', async () => {
  const log = await openLog(tempDir());
  const first = produce(log, values(3), { producerId: PID, producerEpoch: 0, baseSequence: 0 });
  const second = produce(log, values(2), { producerId: PID, producerEpoch: 0, baseSequence: 3 });
  produce(log, values(1)); // a non-idempotent producer in between
  const retry = produce(log, values(3), { producerId: PID, producerEpoch: 0, baseSequence: 0 });
  expect(retry).toMatchObject({ duplicate: true, baseOffset: first.baseOffset, lastOffset: 2 });
  expect(produce(log, values(2), { producerId: PID, producerEpoch: 0, baseSequence: 3 })).toMatchObject({ duplicate: true, baseOffset: second.baseOffset });
  expect(first.duplicate).toBe(false);
  expect(log.logEndOffset).toBe(6);
  expect(batchesIn(readAll(log))).toEqual([[0, 2], [3, 4], [5, 5]]);
  expect(produce(log, values(1), { producerId: PID, producerEpoch: 0, baseSequence: 5 }).baseOffset).toBe(6);
  await log.close();
});

test('a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER and a stale epoch is INVALID_PRODUCER_EPOCH', async () => {
  const log = await openLog(tempDir());
  produce(log, values(2), { producerId: PID, producerEpoch: 3, baseSequence: 0 });
  expect(() => produce(log, values(1), { producerId: PID, producerEpoch: 3, baseSequence: 5 })).toThrow(
    expect.objectContaining({ code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }),
  );
  expect(() => produce(log, values(1), { producerId: PID, producerEpoch: 2, baseSequence: 2 })).toThrow(
    expect.objectContaining({ code: ErrorCode.INVALID_PRODUCER_EPOCH }),
  );
  // A new epoch must start at sequence 0.
  expect(() => produce(log, values(1), { producerId: PID, producerEpoch: 4, baseSequence: 2 })).toThrow(
    expect.objectContaining({ code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }),
  );
  expect(produce(log, values(1), { producerId: PID, producerEpoch: 4, baseSequence: 0 }).duplicate).toBe(false);
  // Unknown producers may start anywhere (their earlier state may have expired).
  expect(produce(log, values(1), { producerId: PID + 1, producerEpoch: 0, baseSequence: 77 }).duplicate).toBe(false);
  expect(log.logEndOffset).toBe(4);
  await log.close();
});

test('producer state survives a clean reopen and a crash (rebuilt from the batches)', async () => {
  const dir = tempDir();
  const log = await openLog(dir, { 'segment.bytes': '400' });
  for (let s = 0; s < 20; s += 2) produce(log, values(2), { producerId: PID, producerEpoch: 1, baseSequence: s });
  await log.close();
  const reopened = await openLog(dir, { 'segment.bytes': '400' });
  expect(produce(reopened, values(2), { producerId: PID, producerEpoch: 1, baseSequence: 18 })).toMatchObject({ duplicate: true, baseOffset: 18 });
  expect(() => produce(reopened, values(1), { producerId: PID, producerEpoch: 1, baseSequence: 30 })).toThrow(
    expect.objectContaining({ code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER }),
  );
  produce(reopened, values(2), { producerId: PID, producerEpoch: 1, baseSequence: 20 });
  // No close: the state must come from the snapshot taken at the last roll plus the batches after it.
  const crashed = await openLog(dir, { 'segment.bytes': '400' });
  expect(produce(crashed, values(2), { producerId: PID, producerEpoch: 1, baseSequence: 20 })).toMatchObject({ duplicate: true, baseOffset: 20 });
  expect(() => produce(crashed, values(1), { producerId: PID, producerEpoch: 0, baseSequence: 22 })).toThrow(
    expect.objectContaining({ code: ErrorCode.INVALID_PRODUCER_EPOCH }),
  );
  expect(produce(crashed, values(1), { producerId: PID, producerEpoch: 1, baseSequence: 22 }).baseOffset).toBe(22);
  await crashed.close();
});

test('sequences wrap after Int32.MAX_VALUE', async () => {
  expect(incrementSequence(0x7fffffff, 1)).toBe(0);
  expect(incrementSequence(0x7ffffffe, 3)).toBe(1);
  const log = await openLog(tempDir());
  produce(log, values(2), { producerId: PID, producerEpoch: 0, baseSequence: 0x7ffffffe });
  expect(produce(log, values(1), { producerId: PID, producerEpoch: 0, baseSequence: 0 }).baseOffset).toBe(2);
  await log.close();
});
