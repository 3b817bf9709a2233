/** Offsets in Debezium's layout: snapshot markers, streaming positions, LSN encoding and what may be flushed. */
import {
  decodeOffset,
  flushableLsn,
  lsnValue,
  readLsn,
  snapshotOffset,
  sourcePartition,
  StreamPosition,
} from '../../../../../connectors/postgres/source';

describe('partition and LSN values', () => {
  test('partition {"server": prefix}, frozen', () => {
    const p = sourcePartition('dbserver1');
    expect(p).toEqual({ server: 'dbserver1' });
    expect(Object.isFrozen(p)).toBe(true);
  });

  test('LSNs are JSON numbers up to 2^53, decimal strings beyond, and read back from either', () => {
    expect(lsnValue(24023128n)).toBe(24023128);
    expect(lsnValue(2n ** 60n)).toBe('1152921504606846976');
    expect(readLsn(24023128)).toBe(24023128n);
    expect(readLsn('1152921504606846976')).toBe(2n ** 60n);
    expect(readLsn(-1)).toBeUndefined();
    expect(readLsn('0/16E9000')).toBeUndefined();
    expect(readLsn(undefined)).toBeUndefined();
  });
});

describe('snapshot offsets', () => {
  test('in progress, then complete on the last record', () => {
    const during = snapshotOffset({ lsn: 24023000n, txId: 779, tsUsec: 1714550000000000, lastRecord: false });
    expect(during).toEqual({ lsn: 24023000, txId: 779, ts_usec: 1714550000000000, snapshot: 'INITIAL', last_snapshot_record: false, snapshot_completed: false });
    expect(decodeOffset(during)).toEqual({ kind: 'snapshot-incomplete', lsn: 24023000n });
    const last = snapshotOffset({ lsn: 24023000n, txId: 779, tsUsec: 1, lastRecord: true });
    expect(last).toMatchObject({ last_snapshot_record: true, snapshot_completed: true });
    const decoded = decodeOffset(last);
    expect(decoded.kind).toBe('stream');
    if (decoded.kind === 'stream') expect(decoded.position.lsn).toBe(24023000n);
  });

  test("Debezium's older boolean snapshot flag", () => {
    expect(decodeOffset({ lsn: 5, snapshot: true, last_snapshot_record: false }).kind).toBe('snapshot-incomplete');
    expect(decodeOffset({ lsn: 5, snapshot: true, last_snapshot_record: true }).kind).toBe('stream');
  });

  test('nothing is flushable while snapshotting', () => {
    expect(flushableLsn(snapshotOffset({ lsn: 10n, txId: 1, tsUsec: 1, lastRecord: true }))).toBeUndefined();
    expect(flushableLsn(null)).toBeUndefined();
  });
});

describe('streaming offsets', () => {
  test("the reference's example shape", () => {
    const p = new StreamPosition(undefined, 24023000n);
    p.commit(24023040n);
    p.begin(24023100n, 780, 1714558530123456);
    p.event(24023128n, 'INSERT');
    expect(p.offset()).toEqual({
      lsn_proc: 24023128,
      lsn_commit: 24023040,
      lsn: 24023128,
      txId: 780,
      ts_usec: 1714558530123456,
      messageType: 'INSERT',
      lsn_events_processed: 1,
    });
    expect(flushableLsn(p.offset())).toBe(24023040n);
  });

  test('rows sharing an LSN are counted', () => {
    const p = new StreamPosition();
    p.begin(100n, 1, 1);
    p.event(120n, 'INSERT');
    p.event(120n, 'INSERT');
    p.event(120n, 'INSERT');
    expect(p.offset()['lsn_events_processed']).toBe(3);
    p.event(130n, 'UPDATE');
    expect(p.offset()['lsn_events_processed']).toBe(1);
    p.commit(140n);
    expect(p.offset()['lsn_events_processed']).toBeUndefined();
    expect(p.offset()['messageType']).toBe('COMMIT');
  });

  test('the offset object is reused until the position moves', () => {
    const p = new StreamPosition();
    p.begin(100n, 1, 1);
    p.event(110n, 'INSERT');
    expect(p.offset()).toBe(p.offset());
    const before = p.offset();
    p.event(120n, 'INSERT');
    expect(p.offset()).not.toBe(before);
  });

  test('an idle keepalive position moves lsn_commit forward only', () => {
    const p = new StreamPosition();
    p.commit(500n);
    expect(p.idleAt(400n)).toBe(false);
    expect(p.idleAt(900n)).toBe(true);
    expect(p.offset()).toMatchObject({ lsn_commit: 900, lsn_proc: 900, lsn: 500 });
    // source.sequence keeps naming the last real commit.
    expect(p.lastCommitLsn).toBe(500n);
  });

  test('round trip through decodeOffset, with transaction metadata state', () => {
    const p = new StreamPosition();
    p.begin(100n, 42, 7);
    p.startTransaction('42');
    p.event(110n, 'INSERT');
    p.countEvent('public.a');
    p.countEvent('public.a');
    p.countEvent('public.b');
    const stored = decodeOffset(JSON.parse(JSON.stringify(p.offset())) as Record<string, number>);
    expect(stored.kind).toBe('stream');
    if (stored.kind !== 'stream') return;
    expect(stored.position).toMatchObject({ lsn: 110n, lsnProc: 110n, txId: 42, tsUsec: 7, messageType: 'INSERT', lsnEventsProcessed: 1, transactionId: '42' });
    expect([...stored.position.transactionOrder]).toEqual([
      ['public.a', 2],
      ['public.b', 1],
    ]);
    const resumed = new StreamPosition(stored.position);
    expect(resumed.totalOrder).toBe(3);
    expect(resumed.offset()).toEqual(p.offset());
  });

  test('before the first commit there is no lsn_commit, and nothing to flush', () => {
    const stored = decodeOffset({ lsn: 10, lsn_proc: 10 });
    expect(stored.kind === 'stream' && stored.position.lsnCommit).toBeUndefined();
    expect(flushableLsn({ lsn: 10, lsn_proc: 10 })).toBeUndefined();
  });
});
