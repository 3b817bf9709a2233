import { FrameSplitter } from '../../../../broker/protocol/frame-splitter';

function framed(...bodies: string[]): Buffer {
  return Buffer.concat(bodies.map((b) => {
    const out = Buffer.alloc(4 + b.length);
    out.writeInt32BE(b.length, 0);
    out.write(b, 4);
    return out;
  }));
}

function split(chunks: Buffer[], max = 1000): { frames: string[]; invalid: number[] } {
  const frames: string[] = [];
  const invalid: number[] = [];
  const s = new FrameSplitter({ minFrameBytes: 4, maxFrameBytes: max, onFrame: (f) => frames.push(f.toString()), onInvalidSize: (n) => invalid.push(n) });
  for (const c of chunks) s.push(c);
  return { frames, invalid };
}

test('frames split at every possible byte boundary come out whole and in order', () => {
  const bytes = framed('first-frame', 'second', 'third one here');
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (let cut2 = cut; cut2 <= bytes.length; cut2 += 3) {
      expect(split([bytes.subarray(0, cut), bytes.subarray(cut, cut2), bytes.subarray(cut2)]).frames).toEqual(['first-frame', 'second', 'third one here']);
    }
  }
});

test('a frame inside one chunk is a view of that chunk', () => {
  const bytes = framed('zero-copy');
  let got: Buffer | null = null;
  new FrameSplitter({ minFrameBytes: 4, maxFrameBytes: 100, onFrame: (f) => (got = f), onInvalidSize: () => undefined }).push(bytes);
  expect((got as unknown as Buffer).buffer).toBe(bytes.buffer);
});

test('sizes outside the limits are reported once and stop the splitter', () => {
  const huge = Buffer.alloc(8);
  huge.writeInt32BE(5000, 0);
  expect(split([Buffer.concat([huge, framed('after')])])).toEqual({ frames: [], invalid: [5000] });
  const negative = Buffer.alloc(4);
  negative.writeInt32BE(-1, 0);
  expect(split([negative]).invalid).toEqual([-1]);
});
