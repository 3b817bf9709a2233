import path from 'node:path';
import fs from 'node:fs';
import { OffsetIndex } from '../../../../broker/log/offset-index';
import { TimeIndex } from '../../../../broker/log/time-index';
import { removeTempDirs, tempDir } from './log-test-utils';

afterEach(removeTempDirs);

test('offset index: greatest entry <= target, persisted in 8-byte entries', () => {
  const file = path.join(tempDir(), '00000000000000000100.index');
  const index = new OffsetIndex(file);
  index.append(0, 0);
  index.append(10, 4100);
  index.append(25, 8300);
  expect(index.lookupPosition(-1)).toBe(0);
  expect(index.lookupPosition(9)).toBe(0);
  expect(index.lookupPosition(10)).toBe(4100);
  expect(index.lookupPosition(24)).toBe(4100);
  expect(index.lookupPosition(1000)).toBe(8300);
  index.writePending();
  const bytes = fs.readFileSync(file);
  expect(bytes.length).toBe(24);
  const loaded = new OffsetIndex(file, bytes);
  expect(loaded.entryCount).toBe(3);
  expect(loaded.lookupPosition(11)).toBe(4100);
  expect(loaded.check({ fileBytes: 24, logSize: 9000, maxRelativeOffset: 30 })).toBeNull();
  expect(loaded.check({ fileBytes: 24, logSize: 8000, maxRelativeOffset: 30 })).toMatch(/beyond the 8000-byte log/);
  expect(loaded.check({ fileBytes: 24, logSize: 9000, maxRelativeOffset: 20 })).toMatch(/beyond the segment/);
  expect(loaded.check({ fileBytes: 25, logSize: 9000, maxRelativeOffset: 30 })).toMatch(/multiple of 8/);
  loaded.closeFd();
  index.closeFd();
});

test('time index: entries only when the timestamp grows; lookup finds the greatest entry strictly below', () => {
  const index = new TimeIndex(path.join(tempDir(), '00000000000000000000.timeindex'));
  index.maybeAppend(1000, 0);
  index.maybeAppend(900, 3); // not larger: skipped
  index.maybeAppend(2000, 7);
  index.maybeAppend(-1, 9); // no timestamp: skipped
  expect(index.entryCount).toBe(2);
  expect(index.floorBefore(1000)).toBe(-1);
  expect(index.floorBefore(1001)).toBe(0);
  expect(index.floorBefore(5000)).toBe(1);
  expect(index.relativeOffsetAt(1)).toBe(7);
  expect(index.lastTimestamp).toBe(2000);
  expect(index.check({ fileBytes: 24, maxRelativeOffset: 10 })).toBeNull();
  expect(index.check({ fileBytes: 24, maxRelativeOffset: 5 })).toMatch(/beyond/);
  index.closeFd();
});
