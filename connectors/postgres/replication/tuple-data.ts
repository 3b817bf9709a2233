/**
 * TupleData: Int16 column count, then per column a kind byte and, for 't' and 'b', an Int32 length and the bytes.
 * Text values are decoded to strings here (the consumer needs them as strings anyway); binary values stay views
 * unless the caller asks for copies because it keeps them beyond the life of the receive buffer.
 */
import type { ByteReader } from './byte-reader';
import { NULL_COLUMN, UNCHANGED_TOAST_COLUMN, type TupleColumn, type TupleData } from './pgoutput-messages';

const NULL = 0x6e; // 'n'
const UNCHANGED = 0x75; // 'u'
const TEXT = 0x74; // 't'
const BINARY = 0x62; // 'b'

export function readTupleData(r: ByteReader, copyBytes: boolean): TupleData {
  const count = r.int16('TupleData column count');
  if (count < 0) r.fail(`TupleData has a negative column count ${count}`);
  const columns = new Array<TupleColumn>(count);
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const kind = r.uint8(`kind of column ${i}`);
    switch (kind) {
      case NULL:
        columns[i] = NULL_COLUMN;
        break;
      case UNCHANGED:
        columns[i] = UNCHANGED_TOAST_COLUMN;
        break;
      case TEXT: {
        const length = r.int32(`length of column ${i}`);
        columns[i] = { kind: 'text', value: r.utf8(length, `text of column ${i}`) };
        break;
      }
      case BINARY: {
        const length = r.int32(`length of column ${i}`);
        const view = r.bytes(length, `bytes of column ${i}`);
        columns[i] = { kind: 'binary', value: copyBytes ? Buffer.from(view) : view };
        break;
      }
      default:
        r.fail(
          `column ${i} of TupleData has unknown kind ${JSON.stringify(String.fromCharCode(kind))}; expected 'n', 'u', 't' or 'b'`,
          at,
        );
    }
  }
  return columns;
}
