import { PgoutputDecodeError } from '../../../../../connectors/postgres/replication/errors';
import { PgoutputDecoder, decodePgoutputMessage } from '../../../../../connectors/postgres/replication/pgoutput-decoder';
import type { TupleColumn } from '../../../../../connectors/postgres/replication/pgoutput-messages';
import { decodeFixture, messagesOf, relationNamed } from './fixtures';

const text = (value: string): TupleColumn => ({ kind: 'text', value });
const NULL: TupleColumn = { kind: 'null' };
const UNCHANGED: TupleColumn = { kind: 'unchanged-toast' };
const BIG_DEFAULT_LENGTH = 3200; // repeat(md5(...), 100)

describe('pgoutput protocol 1 (text tuples, captured)', () => {
  const changes = decodeFixture('v1-text.changes');
  const messages = changes.map((c) => c.message);
  const fxDefault = relationNamed(changes, 'fx_default');
  const fxFull = relationNamed(changes, 'fx_full');

  it('decodes every message of the capture and brackets transactions with Begin/Commit', () => {
    expect(new Set(messages.map((m) => m.tag))).toEqual(
      new Set(['begin', 'commit', 'type', 'relation', 'insert', 'update', 'delete', 'truncate', 'message', 'origin']),
    );
    // Outside streamed transactions only Begin carries an xid.
    for (const m of messages) if (m.tag !== 'begin') expect('xid' in m).toBe(false);
    const begins = messagesOf(changes, 'begin');
    const commits = messagesOf(changes, 'commit');
    expect(begins.length).toBe(commits.length);
    begins.forEach((b, i) => {
      expect(b.finalLsn).toBe(commits[i]!.commitLsn);
      expect(commits[i]!.endLsn).toBeGreaterThan(commits[i]!.commitLsn);
      expect(b.commitTime).toBe(commits[i]!.commitTime);
      expect(commits[i]!.flags).toBe(0);
    });
    // Begin carries the same xid as the peek's xid column.
    for (const c of changes) if (c.message.tag === 'begin') expect(c.message.xid).toBe(c.xid);
  });

  it('decodes Relation with DEFAULT identity: key flags, type OIDs and modifiers', () => {
    expect(fxDefault).toMatchObject({ namespace: 'public', name: 'fx_default', replicaIdentity: 'default' });
    expect(fxDefault.xid).toBeUndefined();
    expect(fxDefault.columns.map((c) => [c.name, c.isKey, c.typeOid, c.typeModifier])).toEqual([
      ['id', true, 23, -1],
      ['name', false, 1043, 44], // varchar(40): 40 + VARHDRSZ
      ['price', false, 1700, (10 << 16) + 2 + 4], // numeric(10,2)
      ['mood', false, messagesOf(changes, 'type')[0]!.typeOid, -1],
      ['tags', false, 1009, -1],
      ['doc', false, 3802, -1],
      ['raw', false, 17, -1],
      ['at', false, 1184, -1],
      ['flag', false, 16, -1],
      ['big', false, 25, -1],
    ]);
  });

  it('decodes Relation with FULL, USING INDEX and NOTHING identities, and a table without key', () => {
    expect(fxFull.replicaIdentity).toBe('full');
    // Under FULL every column is part of the identity.
    expect(fxFull.columns.every((c) => c.isKey)).toBe(true);
    const index = relationNamed(changes, 'fx_index');
    expect(index.replicaIdentity).toBe('index');
    expect(index.columns.filter((c) => c.isKey).map((c) => c.name)).toEqual(['code']);
    expect(relationNamed(changes, 'fx_nothing').replicaIdentity).toBe('nothing');
    const noKey = relationNamed(changes, 'fx_nokey');
    expect(noKey.replicaIdentity).toBe('default');
    expect(noKey.columns.some((c) => c.isKey)).toBe(false);
  });

  it('decodes the Type message announced for a user-defined type', () => {
    const [type] = messagesOf(changes, 'type');
    expect(type).toMatchObject({ tag: 'type', namespace: 'public', name: 'fx_mood' });
    expect(type!.typeOid).toBeGreaterThanOrEqual(16384); // FirstNormalObjectId
  });

  it('decodes Insert with text values of many types and with nulls', () => {
    const [first, second] = messagesOf(changes, 'insert').filter((m) => m.relationId === fxDefault.relationId);
    expect(first!.newTuple.slice(0, 9)).toEqual([
      text('1'),
      text('widget'),
      text('12.50'),
      text('happy'),
      text('{a,"b c"}'),
      text('{"k": [1, 2]}'),
      text('\\x00ff10'),
      text('2024-05-01 10:34:56.789+00'),
      text('t'),
    ]);
    const big = first!.newTuple[9]!;
    expect(big.kind === 'text' && big.value.length).toBe(BIG_DEFAULT_LENGTH);
    expect(second!.newTuple).toEqual([text('2'), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL]);
  });

  it("decodes an Update that leaves a TOASTed column alone as 'u' with no old tuple", () => {
    const updates = messagesOf(changes, 'update').filter((m) => m.relationId === fxDefault.relationId);
    const rename = updates[0]!;
    expect(rename.old).toBeUndefined();
    expect(rename.newTuple[1]).toEqual(text('renamed'));
    expect(rename.newTuple[9]).toEqual(UNCHANGED);
  });

  it("decodes an Update that changes the key with the old key ('K'): key values only, nulls elsewhere", () => {
    const keyChange = messagesOf(changes, 'update').filter((m) => m.relationId === fxDefault.relationId)[1]!;
    expect(keyChange.old).toEqual({ kind: 'key', tuple: [text('1'), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL] });
    expect(keyChange.newTuple[0]).toEqual(text('10'));
    expect(keyChange.newTuple[9]).toEqual(UNCHANGED);
    const index = relationNamed(changes, 'fx_index');
    const indexUpdate = messagesOf(changes, 'update').find((m) => m.relationId === index.relationId)!;
    expect(indexUpdate.old).toEqual({ kind: 'key', tuple: [NULL, text('c1'), NULL] });
    expect(indexUpdate.newTuple).toEqual([text('1'), text('c2'), text('v1')]);
  });

  it("decodes Update and Delete under FULL with the whole old row ('O'), TOASTed value included", () => {
    const update = messagesOf(changes, 'update').find((m) => m.relationId === fxFull.relationId)!;
    expect(update.old?.kind).toBe('full');
    expect(update.old!.tuple.slice(0, 2)).toEqual([text('1'), text('first')]);
    const oldBig = update.old!.tuple[2]!;
    expect(oldBig.kind === 'text' && oldBig.value.length).toBe(BIG_DEFAULT_LENGTH);
    expect(update.newTuple).toEqual([text('1'), text('second'), UNCHANGED]);
    const del = messagesOf(changes, 'delete').find((m) => m.relationId === fxFull.relationId)!;
    expect(del.old.kind).toBe('full');
    expect(del.old.tuple.slice(0, 2)).toEqual([text('1'), text('second')]);
  });

  it("decodes Delete under DEFAULT with the key ('K')", () => {
    const del = messagesOf(changes, 'delete').find((m) => m.relationId === fxDefault.relationId)!;
    expect(del.old).toEqual({ kind: 'key', tuple: [text('2'), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL] });
  });

  it('decodes Truncate with its CASCADE and RESTART IDENTITY flags and relation ids', () => {
    const [cascade, restart] = messagesOf(changes, 'truncate');
    const id = (name: string): number => relationNamed(changes, name).relationId;
    expect(cascade).toEqual({ tag: 'truncate', cascade: true, restartIdentity: false, relationIds: [id('fx_parent'), id('fx_child')] });
    expect(restart).toEqual({ tag: 'truncate', cascade: false, restartIdentity: true, relationIds: [id('fx_full'), id('fx_nokey')] });
  });

  it('decodes transactional and non-transactional logical messages', () => {
    const [inTx, outside] = messagesOf(changes, 'message');
    expect(inTx).toMatchObject({ transactional: true, prefix: 'sluice' });
    expect(inTx!.content.toString()).toBe('in tx');
    expect(outside).toMatchObject({ transactional: false, prefix: 'sluice/binary' });
    expect(outside!.content).toEqual(Buffer.from([0x00, 0xff]));
    // A non-transactional message is not inside any Begin/Commit: the peek reports xid 0 for it.
    const outsideChange = changes.find((c) => c.message === outside)!;
    expect(outsideChange.xid).toBe(0);
    expect(outside!.lsn).toBeGreaterThan(0n);
  });

  it('decodes Origin for a transaction replayed from another node', () => {
    const [origin] = messagesOf(changes, 'origin');
    expect(origin).toEqual({ tag: 'origin', originLsn: 0xabcdef0n, name: 'fx_origin' });
    const i = messages.indexOf(origin!);
    expect(messages[i - 1]).toMatchObject({ tag: 'begin', commitTime: 757_382_400_000_000n }); // 2024-01-01 UTC
  });

  it('decodes the second Relation message sent after ALTER TABLE ADD COLUMN', () => {
    const defs = messagesOf(changes, 'relation').filter((r) => r.relationId === fxDefault.relationId);
    expect(defs.length).toBeGreaterThanOrEqual(2);
    const last = defs[defs.length - 1]!;
    expect(last.columns.map((c) => c.name)).toEqual([...fxDefault.columns.map((c) => c.name), 'extra']);
    const afterAlter = messagesOf(changes, 'insert').filter((m) => m.relationId === fxDefault.relationId).pop()!;
    expect(afterAlter.newTuple).toHaveLength(11);
    expect(afterAlter.newTuple[10]).toEqual(text('7'));
  });
});

describe('pgoutput protocol 1 (binary tuples, captured)', () => {
  const changes = decodeFixture('v1-binary.changes');
  const fxDefault = relationNamed(changes, 'fx_default');

  it("carries the types' send format as 'b' columns", () => {
    const [first] = messagesOf(changes, 'insert').filter((m) => m.relationId === fxDefault.relationId);
    const bin = (i: number): Buffer => {
      const col = first!.newTuple[i]!;
      if (col.kind !== 'binary') throw new Error(`column ${i} is ${col.kind}`);
      return col.value;
    };
    expect(bin(0).readInt32BE(0)).toBe(1); // int4
    expect(bin(1).toString()).toBe('widget'); // varchar
    expect(bin(6)).toEqual(Buffer.from([0x00, 0xff, 0x10])); // bytea
    expect(bin(8)).toEqual(Buffer.from([1])); // boolean
    expect(bin(5)[0]).toBe(1); // jsonb version byte
    expect(bin(5).subarray(1).toString()).toBe('{"k": [1, 2]}');
  });

  it('keeps null and unchanged-TOAST columns as in text mode', () => {
    const [, second] = messagesOf(changes, 'insert').filter((m) => m.relationId === fxDefault.relationId);
    expect(second!.newTuple.slice(1)).toEqual(new Array(9).fill(NULL));
    const rename = messagesOf(changes, 'update').find((m) => m.relationId === fxDefault.relationId)!;
    expect(rename.newTuple[9]).toEqual(UNCHANGED);
  });

  it('returns views into the input unless asked to copy', () => {
    const change = changes.find((c) => c.message.tag === 'insert')!;
    const view = decodePgoutputMessage(change.data);
    const copy = decodePgoutputMessage(change.data, { copyBytes: true });
    const first = (m: typeof view): Buffer => {
      if (m.tag !== 'insert' || m.newTuple[0]!.kind !== 'binary') throw new Error('expected a binary insert');
      return m.newTuple[0]!.value;
    };
    expect(first(view).buffer).toBe(change.data.buffer);
    expect(first(copy).buffer).not.toBe(change.data.buffer);
    expect(first(copy)).toEqual(first(view));
  });
});

describe('pgoutput protocol 2 streaming (captured)', () => {
  const changes = decodeFixture('v2-streaming.changes');
  const messages = changes.map((c) => c.message);

  it('reads the xid of every message between Stream Start and Stream Stop', () => {
    let open: number | undefined;
    for (const m of messages) {
      if (m.tag === 'stream-start') {
        expect(open).toBeUndefined();
        open = m.xid;
      } else if (m.tag === 'stream-stop') {
        expect(open).toBeDefined();
        open = undefined;
      } else if (open !== undefined) {
        expect(m).toHaveProperty('xid');
      } else {
        expect(['stream-commit', 'stream-abort']).toContain(m.tag);
      }
    }
    expect(open).toBeUndefined();
  });

  it('decodes Stream Start (first segment flag), Stream Commit and a streamed transactional message', () => {
    const starts = messagesOf(changes, 'stream-start');
    const [commit] = messagesOf(changes, 'stream-commit');
    const xid = commit!.xid;
    const ofTx = starts.filter((s) => s.xid === xid);
    expect(ofTx.length).toBeGreaterThanOrEqual(2);
    expect(ofTx.map((s) => s.firstSegment)).toEqual([true, ...new Array(ofTx.length - 1).fill(false)]);
    expect(commit!.endLsn).toBeGreaterThan(commit!.commitLsn);
    expect(commit!.flags).toBe(0);
    const [message] = messagesOf(changes, 'message');
    expect(message).toMatchObject({ xid, transactional: true, prefix: 'sluice' });
    expect(message!.content.toString()).toBe('streamed');
    const relation = messagesOf(changes, 'relation')[0]!;
    expect(relation).toMatchObject({ xid, name: 'fx_stream' });
    expect(messagesOf(changes, 'insert').filter((m) => m.xid === xid)).toHaveLength(500);
  });

  it('decodes Stream Abort of a whole transaction and of a subtransaction', () => {
    const aborts = messagesOf(changes, 'stream-abort');
    expect(aborts).toHaveLength(2);
    const [whole, sub] = aborts;
    expect(whole!.subXid).toBe(whole!.xid);
    expect(sub!.subXid).not.toBe(sub!.xid);
    expect(whole!.abortLsn).toBeUndefined();
    // Changes of the subtransaction were streamed under its own xid.
    expect(messagesOf(changes, 'insert').some((m) => m.xid === sub!.subXid)).toBe(true);
  });

  it('fails clearly when a streamed message is read without the streaming state', () => {
    const streamedInsert = changes.find((c) => c.message.tag === 'insert')!;
    expect(() => decodePgoutputMessage(streamedInsert.data)).toThrow(/pgoutput Insert \('I'\)/);
  });
});

describe('pgoutput decoding errors', () => {
  const changes = decodeFixture('v1-text.changes');
  const insert = changes.find((c) => c.message.tag === 'insert')!.data;

  it('names an unknown tag and its offset', () => {
    expect(() => decodePgoutputMessage(Buffer.from('Z'))).toThrow('unknown pgoutput message tag "Z" (0x5a) at offset 0');
    expect(() => decodePgoutputMessage(Buffer.alloc(0))).toThrow('empty pgoutput message at offset 0');
    expect(() => decodePgoutputMessage(Buffer.from('P'))).toThrow('Prepare is a two-phase commit message (protocol version 3)');
  });

  it('names the message, field and offset of every truncation point', () => {
    for (const c of changes.slice(0, 30)) {
      for (let cut = 1; cut < c.data.length; cut += Math.max(1, Math.floor(c.data.length / 40))) {
        let error: unknown;
        try {
          decodePgoutputMessage(c.data.subarray(0, cut));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(PgoutputDecodeError);
        const e = error as PgoutputDecodeError;
        expect(e.tag).toBe(String.fromCharCode(c.data[0]!));
        expect(e.offset).toBeLessThanOrEqual(cut);
        expect(e.message).toMatch(/^pgoutput [A-Za-z ]+ \('.'\)/);
        expect(e.code).toBe('DECODE');
      }
    }
    expect(() => decodePgoutputMessage(insert.subarray(0, 3))).toThrow(
      "pgoutput Insert ('I') is truncated: relation OID needs 4 byte(s) at offset 1 but the message ends at 3",
    );
  });

  it('rejects trailing bytes, bad markers and bad column kinds', () => {
    expect(() => decodePgoutputMessage(Buffer.concat([insert, Buffer.from([0])]))).toThrow('1 unexpected trailing byte(s)');
    const badMarker = Buffer.from(insert);
    badMarker[5] = 0x58; // 'X' where 'N' belongs
    expect(() => decodePgoutputMessage(badMarker)).toThrow(`pgoutput Insert ('I'): expected new tuple marker 'N', got "X" (offset 5)`);
    const badKind = Buffer.from(insert);
    badKind[8] = 0x71; // 'q' as the first column's kind
    expect(() => decodePgoutputMessage(badKind)).toThrow(`column 0 of TupleData has unknown kind "q"; expected 'n', 'u', 't' or 'b' (offset 8)`);
  });

  it('tracks the streaming state across Stream Start/Stop and can be reset', () => {
    const streamed = decodeFixture('v2-streaming.changes');
    const decoder = new PgoutputDecoder();
    decoder.decode(streamed[0]!.data);
    expect(decoder.inStreamedTransaction).toBe(true);
    decoder.reset();
    expect(decoder.inStreamedTransaction).toBe(false);
  });
});
