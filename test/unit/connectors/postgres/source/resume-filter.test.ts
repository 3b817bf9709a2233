/** What a restart skips of the replayed stream, given the stored offset. */
import { ResumeFilter, type StoredStreamPosition } from '../../../../../connectors/postgres/source';

function stored(fields: Partial<StoredStreamPosition>): StoredStreamPosition {
  return { lsn: undefined, lsnProc: undefined, lsnCommit: undefined, lsnEventsProcessed: 0, txId: undefined, tsUsec: undefined, messageType: undefined, transactionId: undefined, transactionOrder: new Map(), ...fields };
}

test('without a stored position nothing is skipped', () => {
  const f = new ResumeFilter(undefined);
  expect(f.isActive).toBe(false);
  expect(f.onBegin(1, 100n)).toBe('process');
  expect(f.skipChange(90n)).toBe(false);
});

test('transactions whose commit precedes lsn_commit are skipped whole', () => {
  const f = new ResumeFilter(stored({ lsn: 200n, lsnProc: 200n, lsnCommit: 200n, txId: 5, messageType: 'COMMIT' }));
  // tx 5 committed at 180..200 and was processed: its commit record starts before 200.
  expect(f.onBegin(5, 180n)).toBe('skip');
  // The next one may even start at 200 (a commit's end LSN is the next record's start).
  expect(f.onBegin(6, 260n)).toBe('process');
  expect(f.skipChange(200n)).toBe(false);
  expect(f.isActive).toBe(false);
});

test('the transaction the offset stopped in resumes after the last emitted change', () => {
  const f = new ResumeFilter(stored({ lsn: 330n, lsnProc: 330n, lsnCommit: 200n, lsnEventsProcessed: 1, txId: 6, messageType: 'UPDATE' }));
  expect(f.onBegin(6, 400n)).toBe('resume');
  expect(f.skipChange(300n)).toBe(true);
  expect(f.skipChange(330n)).toBe(true);
  expect(f.skipChange(340n)).toBe(false);
  expect(f.skipChange(350n)).toBe(false);
  f.onCommit();
  expect(f.onBegin(7, 500n)).toBe('process');
});

test('rows sharing one LSN (COPY) resume after the count stored', () => {
  const f = new ResumeFilter(stored({ lsn: 300n, lsnCommit: 200n, lsnEventsProcessed: 2, txId: 6, messageType: 'INSERT' }));
  expect(f.onBegin(6, 400n)).toBe('resume');
  expect([f.skipChange(300n), f.skipChange(300n), f.skipChange(300n), f.skipChange(300n)]).toEqual([true, true, false, false]);
});

test('a BEGIN offset (transaction metadata) resumes the transaction from its first change', () => {
  const f = new ResumeFilter(stored({ lsn: 300n, lsnCommit: 200n, lsnEventsProcessed: 0, txId: 6, messageType: 'BEGIN' }));
  expect(f.onBegin(6, 400n)).toBe('resume');
  expect(f.skipChange(300n)).toBe(false);
});

test('another xid after lsn_commit is processed in full', () => {
  const f = new ResumeFilter(stored({ lsn: 330n, lsnCommit: 200n, lsnEventsProcessed: 1, txId: 6, messageType: 'INSERT' }));
  expect(f.onBegin(8, 400n)).toBe('process');
  expect(f.skipChange(250n)).toBe(false);
});

test('non-transactional messages at or before the stored one are skipped', () => {
  const f = new ResumeFilter(stored({ lsn: 300n, lsnProc: 300n, lsnCommit: 300n, messageType: 'MESSAGE' }));
  expect(f.skipStandaloneMessage(250n)).toBe(true);
  expect(f.skipStandaloneMessage(300n)).toBe(true);
  expect(f.skipStandaloneMessage(310n)).toBe(false);
  const after = new ResumeFilter(stored({ lsn: 300n, lsnCommit: 300n, messageType: 'COMMIT' }));
  expect(after.skipStandaloneMessage(300n)).toBe(false);
});
