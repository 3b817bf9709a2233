import { readFrames } from '../../../../fixtures/pgoutput/fixture-format';
import { PgoutputDecodeError } from '../../../../../connectors/postgres/replication/errors';
import { parseLsn } from '../../../../../connectors/postgres/replication/lsn';
import { pgMicrosNow } from '../../../../../connectors/postgres/replication/pg-time';
import { decodePgoutputMessage } from '../../../../../connectors/postgres/replication/pgoutput-decoder';
import {
  decodeServerFrame,
  decodeStandbyStatusUpdate,
  encodeStandbyStatusUpdate,
  STANDBY_STATUS_UPDATE_LENGTH,
  type XLogDataFrame,
} from '../../../../../connectors/postgres/replication/replication-frames';

describe('replication frames captured from a START_REPLICATION session', () => {
  const frames = readFrames('session.frames').map(decodeServerFrame);
  const data = frames.filter((f): f is XLogDataFrame => f.kind === 'xlog-data');
  const keepalives = frames.flatMap((f) => (f.kind === 'keepalive' ? [f] : []));

  it('decodes XLogData headers and carries the pgoutput message as a view', () => {
    expect(data.map((f) => decodePgoutputMessage(f.data).tag)).toEqual(['begin', 'relation', 'insert', 'commit']);
    const [begin, relation, insert, commit] = data;
    // Relation is written ahead of the change it describes: no WAL position of its own.
    expect(relation!.walStart).toBe(0n);
    expect(relation!.walEnd).toBe(0n);
    for (const f of [begin!, insert!, commit!]) {
      expect(f.walStart).toBeGreaterThan(0n);
      expect(f.walEnd).toBe(f.walStart);
      // Server clock: µs since 2000-01-01, i.e. some time this century.
      expect(f.serverClock).toBeGreaterThan(700_000_000_000_000n);
    }
    const commitMessage = decodePgoutputMessage(commit!.data);
    if (commitMessage.tag !== 'commit') throw new Error('expected commit');
    // The Commit's walStart is the end of the commit record: the LSN to confirm once the transaction is durable.
    expect(commit!.walStart).toBe(commitMessage.endLsn);
    const beginMessage = decodePgoutputMessage(begin!.data);
    if (beginMessage.tag !== 'begin') throw new Error('expected begin');
    expect(beginMessage.finalLsn).toBe(commitMessage.commitLsn);
  });

  it('decodes primary keepalives, including one that requests a reply', () => {
    expect(keepalives.length).toBeGreaterThan(1);
    expect(keepalives.some((k) => k.replyRequested)).toBe(true);
    expect(keepalives.some((k) => !k.replyRequested)).toBe(true);
    for (const k of keepalives) expect(k.walEnd).toBeGreaterThan(0n);
  });

  it('rejects unknown and truncated frames with the frame type and offset', () => {
    expect(() => decodeServerFrame(Buffer.from('x'))).toThrow(`unknown replication frame type "x" (0x78) at offset 0`);
    expect(() => decodeServerFrame(Buffer.alloc(0))).toThrow('empty CopyData payload');
    const keepalive = readFrames('session.frames').find((f) => f[0] === 0x6b)!;
    let error: unknown;
    try {
      decodeServerFrame(keepalive.subarray(0, 17));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PgoutputDecodeError);
    expect((error as PgoutputDecodeError).message).toBe(
      "primary keepalive ('k') is truncated: replyRequested needs 1 byte(s) at offset 17 but the message ends at 17",
    );
    expect((error as PgoutputDecodeError).tag).toBe('k');
    expect((error as PgoutputDecodeError).offset).toBe(17);
    expect(() => decodeServerFrame(Buffer.from([0x77, 0, 0]))).toThrow("XLogData ('w') is truncated: walStart needs 8 byte(s) at offset 1");
  });
});

describe('standby status update', () => {
  it('encodes the 34-byte reply with big-endian LSNs and the client clock', () => {
    const buf = encodeStandbyStatusUpdate({
      written: parseLsn('16/B374D848'),
      flushed: parseLsn('16/B374D800'),
      applied: parseLsn('16/B374D800'),
      clientClock: 1n,
      replyRequested: true,
    });
    expect(buf.length).toBe(STANDBY_STATUS_UPDATE_LENGTH);
    expect(buf.toString('hex')).toBe(
      '72' + '00000016b374d848' + '00000016b374d800' + '00000016b374d800' + '0000000000000001' + '01',
    );
    expect(decodeStandbyStatusUpdate(buf)).toEqual({
      written: parseLsn('16/B374D848'),
      flushed: parseLsn('16/B374D800'),
      applied: parseLsn('16/B374D800'),
      clientClock: 1n,
      replyRequested: true,
    });
  });

  it('defaults the clock to now (µs since 2000) and no reply request', () => {
    const before = pgMicrosNow();
    const decoded = decodeStandbyStatusUpdate(encodeStandbyStatusUpdate({ written: 1n, flushed: 0n, applied: 0n }));
    expect(decoded.clientClock).toBeGreaterThanOrEqual(before);
    expect(decoded.clientClock - before).toBeLessThan(5_000_000n);
    expect(decoded.replyRequested).toBe(false);
  });

  it('refuses LSNs that do not fit in 64 unsigned bits', () => {
    expect(() => encodeStandbyStatusUpdate({ written: -1n, flushed: 0n, applied: 0n })).toThrow('written LSN must be a bigint');
    expect(() => encodeStandbyStatusUpdate({ written: 0n, flushed: 1n << 64n, applied: 0n })).toThrow('flushed LSN');
  });
});
