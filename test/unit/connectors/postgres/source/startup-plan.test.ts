/** The start-up decisions for every snapshot mode, stored offset and slot state. */
import { type PlanInputs, planStartup, StartupPlanError, type StoredOffset } from '../../../../../connectors/postgres/source';

const NONE: StoredOffset = { kind: 'none' };
const INCOMPLETE: StoredOffset = { kind: 'snapshot-incomplete', lsn: 100n };
const position = { lsn: 500n, lsnProc: 500n, lsnCommit: 480n, lsnEventsProcessed: 1, txId: 7, tsUsec: 1, messageType: 'INSERT' as const, transactionId: undefined, transactionOrder: new Map() };
const STREAMING: StoredOffset = { kind: 'stream', position };
const SLOT = { confirmedFlushLsn: 400n, walStatus: 'reserved' };
const LOST = { confirmedFlushLsn: 400n, walStatus: 'lost' };

function plan(mode: PlanInputs['mode'], stored: StoredOffset, slot: PlanInputs['slot']) {
  return planStartup({ mode, stored, slot, slotName: 'debezium' });
}

describe('initial', () => {
  test('first start: snapshot through a new slot, then stream', () => {
    expect(plan('initial', NONE, undefined)).toEqual({ snapshot: true, slot: 'create', stream: true, warnings: [] });
  });
  test('no offset but a slot: snapshot, then replay from the slot', () => {
    expect(plan('initial', NONE, SLOT)).toMatchObject({ snapshot: true, slot: 'use', stream: true });
  });
  test('an interrupted snapshot is taken again', () => {
    const p = plan('initial', INCOMPLETE, SLOT);
    expect(p).toMatchObject({ snapshot: true, slot: 'use', stream: true });
    expect(p.warnings[0]).toContain('did not complete');
    expect(plan('initial', INCOMPLETE, undefined)).toMatchObject({ snapshot: true, slot: 'create' });
  });
  test('after a completed snapshot: stream from the stored position', () => {
    expect(plan('initial', STREAMING, SLOT)).toEqual({ snapshot: false, slot: 'use', stream: true, resume: position, warnings: [] });
  });
  test('a missing slot after streaming started is an error, not a silent gap', () => {
    expect(() => plan('initial', STREAMING, undefined)).toThrow(StartupPlanError);
    expect(() => plan('initial', STREAMING, undefined)).toThrow(/does not exist.*when_needed/);
  });
  test('a slot that lost WAL is an error', () => {
    expect(() => plan('initial', STREAMING, LOST)).toThrow(/wal_status = lost/);
  });
  test('an offset behind the slot is warned about', () => {
    const p = plan('initial', STREAMING, { confirmedFlushLsn: 900n, walStatus: 'reserved' });
    expect(p).toMatchObject({ snapshot: false, resume: position });
    expect(p.warnings[0]).toContain('behind replication slot');
  });
});

describe('other modes', () => {
  test('initial_only: snapshot without streaming, then nothing', () => {
    expect(plan('initial_only', NONE, undefined)).toMatchObject({ snapshot: true, slot: 'create', stream: false });
    expect(plan('initial_only', STREAMING, undefined)).toMatchObject({ snapshot: false, stream: false });
  });
  test('no_data: never snapshots', () => {
    expect(plan('no_data', NONE, undefined)).toMatchObject({ snapshot: false, slot: 'create', stream: true });
    expect(plan('no_data', NONE, SLOT)).toMatchObject({ snapshot: false, slot: 'use', stream: true });
    expect(plan('no_data', STREAMING, SLOT)).toMatchObject({ snapshot: false, slot: 'use', resume: position });
    const missing = plan('no_data', STREAMING, undefined);
    expect(missing).toMatchObject({ snapshot: false, slot: 'create' });
    expect(missing.warnings[0]).toContain('not captured');
  });
  test('always: a snapshot on every start, keeping the stored position to filter the replay', () => {
    expect(plan('always', STREAMING, SLOT)).toMatchObject({ snapshot: true, slot: 'use', stream: true, resume: position });
    expect(plan('always', STREAMING, LOST)).toMatchObject({ snapshot: true, slot: 'recreate' });
  });
  test('when_needed: a snapshot when the stored position cannot be resumed', () => {
    expect(plan('when_needed', STREAMING, SLOT)).toMatchObject({ snapshot: false, resume: position });
    expect(plan('when_needed', STREAMING, undefined)).toMatchObject({ snapshot: true, slot: 'create' });
    expect(plan('when_needed', STREAMING, LOST)).toMatchObject({ snapshot: true, slot: 'recreate' });
    expect(plan('when_needed', STREAMING, { confirmedFlushLsn: 900n, walStatus: 'reserved' })).toMatchObject({ snapshot: true, slot: 'use' });
  });
});
