/** Signal table rows: snapshot requests and watermarks. */
import { parseSignal } from '../../../../../connectors/postgres/source';

test('execute-snapshot with collections, type and additional conditions', () => {
  expect(parseSignal('s1', 'execute-snapshot', '{"data-collections": ["public.a", "inv\\\\..*"], "type": "INCREMENTAL", "additional-conditions": [{"data-collection": "public.a", "filter": "id > 10"}]}')).toEqual({
    type: 'execute-snapshot',
    id: 's1',
    request: { dataCollections: ['public.a', 'inv\\..*'], kind: 'incremental', conditions: new Map([['public.a', 'id > 10']]) },
  });
  const blocking = parseSignal('s2', 'execute-snapshot', '{"data-collections": ["public.a"], "type": "blocking"}');
  expect(blocking.type === 'execute-snapshot' && blocking.request.kind).toBe('blocking');
});

test('watermarks, stop, log', () => {
  expect(parseSignal('x-open', 'snapshot-window-open', '{"openWindowTimestamp": "t"}')).toEqual({ type: 'window-open', id: 'x-open' });
  expect(parseSignal('x-close', 'snapshot-window-close', null)).toEqual({ type: 'window-close', id: 'x-close' });
  expect(parseSignal('s3', 'stop-snapshot', '{"data-collections": ["public.a"], "type": "incremental"}')).toEqual({ type: 'stop-snapshot', id: 's3', dataCollections: ['public.a'] });
  expect(parseSignal('s4', 'log', '{"message": "hello"}')).toEqual({ type: 'log', id: 's4', message: 'hello' });
});

test('bad signals say why', () => {
  expect(parseSignal('s5', 'execute-snapshot', '{"type": "incremental"}')).toMatchObject({ type: 'invalid', reason: expect.stringContaining('data-collections') });
  expect(parseSignal('s6', 'execute-snapshot', 'not json')).toMatchObject({ type: 'invalid', reason: expect.stringContaining('not JSON') });
  expect(parseSignal('s7', 'execute-snapshot', '{"data-collections": ["a.b"], "type": "sideways"}')).toMatchObject({ type: 'invalid' });
  expect(parseSignal('s8', 'pause-snapshot', '{}')).toEqual({ type: 'unknown', id: 's8', signalType: 'pause-snapshot' });
});
