/** The standalone worker's file-backed offset and connector stores. */
import fs from 'node:fs';
import path from 'node:path';
import { FileConfigStore } from '../../../../connect-runtime/storage/file-config-store';
import { FileOffsetStore } from '../../../../connect-runtime/storage/file-offset-store';
import { offsetKey, parseOffsetKey } from '../../../../connect-runtime/storage/offset-store';
import { removeDir, tempDir } from '../../../helpers/broker-harness';

let dir: string;
beforeEach(() => {
  dir = tempDir('sluice-stores-');
});
afterEach(() => removeDir(dir));

test('offsets are keyed as Kafka Connect keys them and survive a reopen; null deletes', async () => {
  const file = path.join(dir, 'connect.offsets');
  const store = await FileOffsetStore.open(file);
  const a = { filename: '/data/a.txt' };
  const b = { filename: '/data/b.txt' };
  await store.set('src', [{ partition: a, offset: { position: 30 } }, { partition: b, offset: { position: 7 } }]);
  await store.set('other', [{ partition: a, offset: { position: 1 } }]);
  await store.set('src', [{ partition: b, offset: null }]);
  await store.close();
  expect(offsetKey('src', a)).toBe('["src",{"filename":"/data/a.txt"}]');
  expect(parseOffsetKey(offsetKey('src', a))).toEqual({ connector: 'src', partition: a });

  const reopened = await FileOffsetStore.open(file);
  expect(await reopened.list('src')).toEqual([{ partition: a, offset: { position: 30 } }]);
  expect([...(await reopened.get('src', [a, b])).values()]).toEqual([{ position: 30 }]);
  expect(fs.readdirSync(dir)).toEqual(['connect.offsets']);
});

test('a corrupt offset file is refused with a message naming it', async () => {
  const file = path.join(dir, 'connect.offsets');
  fs.writeFileSync(file, '{"version":1,"offs');
  await expect(FileOffsetStore.open(file)).rejects.toThrow(/connect\.offsets is not valid JSON/);
});

test('connectors and their target state persist across a reopen', async () => {
  const file = path.join(dir, 'connectors.json');
  const store = await FileConfigStore.open(file);
  expect(store.list()).toEqual([]);
  await store.put({ name: 'a', config: { 'connector.class': 'FileStreamSource' }, targetState: 'STARTED' });
  await store.put({ name: 'b', config: { 'connector.class': 'FileStreamSink' }, targetState: 'PAUSED' });
  await store.remove('a');
  const reopened = await FileConfigStore.open(file);
  expect(reopened.list()).toEqual([{ name: 'b', config: { 'connector.class': 'FileStreamSink' }, targetState: 'PAUSED' }]);
});
