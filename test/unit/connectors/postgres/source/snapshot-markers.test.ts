/** source.snapshot values of initial snapshot records. */
import { snapshotMarker } from '../../../../../connectors/postgres/source';

/** The markers of a snapshot over tables with the given row counts. */
function markers(rowCounts: number[]): string[][] {
  return rowCounts.map((rows, t) =>
    Array.from({ length: rows }, (_, i) =>
      snapshotMarker({ firstTable: t === 0, lastTable: t === rowCounts.length - 1, firstInTable: i === 0, lastInTable: i === rows - 1 }),
    ),
  );
}

test('first, first/last in each table, last', () => {
  expect(markers([3, 3, 3])).toEqual([
    ['first', 'true', 'last_in_data_collection'],
    ['first_in_data_collection', 'true', 'last_in_data_collection'],
    ['first_in_data_collection', 'true', 'last'],
  ]);
});

test('last wins over first; first of the snapshot over last of its table', () => {
  expect(markers([1])).toEqual([['last']]);
  expect(markers([1, 1])).toEqual([['first'], ['last']]);
  expect(markers([2, 1, 2])).toEqual([['first', 'last_in_data_collection'], ['last_in_data_collection'], ['first_in_data_collection', 'last']]);
});

test('an empty last table leaves no record marked last', () => {
  expect(markers([2, 0])).toEqual([['first', 'last_in_data_collection'], []]);
});
