/** Filter and the predicates TopicNameMatches, HasHeaderKey and RecordIsTombstone. */
import { ConnectHeaders, type SinkRecord } from '../../../../connect-runtime/api';
import { Filter, HasHeaderKey, RecordIsTombstone, TopicNameMatches } from '../../../../connect-runtime/transforms';
import { configured, sinkRecord } from './records';

describe('Filter', () => {
  test('drops every record', () => {
    expect(configured(new Filter<SinkRecord>(), {}).apply(sinkRecord({ value: 1 }))).toBeNull();
    expect(new Filter().config().names()).toEqual([]);
  });
});

describe('TopicNameMatches', () => {
  test('matches the whole topic name', () => {
    const p = configured(new TopicNameMatches<SinkRecord>(), { pattern: 'orders|invoices-.*' });
    expect(p.test(sinkRecord({ topic: 'orders' }))).toBe(true);
    expect(p.test(sinkRecord({ topic: 'invoices-2024' }))).toBe(true);
    expect(p.test(sinkRecord({ topic: 'old-orders' }))).toBe(false);
    expect(p.test(sinkRecord({ topic: 'orders' }))).toBe(true);
  });

  test('config errors', () => {
    expect(() => configured(new TopicNameMatches(), {})).toThrow(/Missing required configuration "pattern"/);
    expect(() => configured(new TopicNameMatches(), { pattern: '' })).toThrow(/String must be non-empty/);
    expect(() => configured(new TopicNameMatches(), { pattern: '[' })).toThrow(/Invalid regex/);
  });
});

describe('HasHeaderKey', () => {
  test('true when any header has the name', () => {
    const p = configured(new HasHeaderKey<SinkRecord>(), { name: 'trace' });
    expect(p.test(sinkRecord({ headers: new ConnectHeaders().addString('trace', null) }))).toBe(true);
    expect(p.test(sinkRecord({ headers: new ConnectHeaders().addString('other', 'x') }))).toBe(false);
    expect(() => configured(new HasHeaderKey(), { name: '' })).toThrow(/String must be non-empty/);
    expect(() => configured(new HasHeaderKey(), {})).toThrow(/Missing required configuration "name"/);
  });
});

describe('RecordIsTombstone', () => {
  test('true for null values only', () => {
    const p = configured(new RecordIsTombstone<SinkRecord>(), {});
    expect(p.test(sinkRecord({ key: 'k', value: null }))).toBe(true);
    expect(p.test(sinkRecord({ value: '' }))).toBe(false);
  });
});
